// Each test class here runs the whole system; two at once would share two cores and the ports they chose.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
