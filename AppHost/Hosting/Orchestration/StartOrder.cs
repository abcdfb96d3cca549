namespace Fleet.AppHost.Hosting;

/// <summary>
/// Groups resources into levels: each level waits for or refers to only the levels before it. Start-up waits
/// only on WaitFor; the levels give the order to stop in, so a gateway stops before the services behind it.
/// </summary>
public static class StartOrder
{
    public static IReadOnlyList<IReadOnlyList<Resource>> Compute(IReadOnlyList<Resource> resources)
    {
        foreach (var resource in resources)
        {
            foreach (var dependency in resource.WaitsFor.Concat(resource.References))
            {
                if (!resources.Contains(dependency))
                {
                    throw new DistributedApplicationException($"'{resource.Name}' depends on '{dependency.Name}', which is not part of the app model.");
                }
            }
        }

        var levels = new List<IReadOnlyList<Resource>>();
        var placed = new HashSet<Resource>();
        while (placed.Count < resources.Count)
        {
            var level = resources.Where(r => !placed.Contains(r) && r.WaitsFor.Concat(r.References).All(placed.Contains)).ToList();
            if (level.Count == 0)
            {
                var stuck = resources.Where(r => !placed.Contains(r)).ToList();
                throw new DistributedApplicationException($"The app model has a dependency cycle: {DescribeCycle(stuck)}.");
            }
            levels.Add(level);
            placed.UnionWith(level);
        }
        return levels;
    }

    private static string DescribeCycle(List<Resource> stuck)
    {
        // Walk WaitsFor edges among the stuck resources until one repeats: that loop is the cycle.
        var path = new List<Resource> { stuck[0] };
        while (true)
        {
            var next = path[^1].WaitsFor.Concat(path[^1].References).First(stuck.Contains);
            var seenAt = path.IndexOf(next);
            if (seenAt >= 0)
            {
                return string.Join(" -> ", path.Skip(seenAt).Append(next).Select(r => r.Name));
            }
            path.Add(next);
        }
    }
}
