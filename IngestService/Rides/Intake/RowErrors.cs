namespace Fleet.IngestService.Rides.Intake;

/// <summary>The refused rows of one request: every one counted, the first few listed.</summary>
internal sealed class RowErrors(int maxListed)
{
    private readonly List<RowError> _listed = [];
    private int _lastRow;

    public IReadOnlyList<RowError> Listed => _listed;

    /// <summary>Rows refused (a row with several errors counts once).</summary>
    public int Rows { get; private set; }

    /// <summary>Errors found, listed or not.</summary>
    public int Count { get; private set; }

    /// <summary>Takes the errors a reader just added to <paramref name="scratch"/> (all of one row), and clears it.</summary>
    public void Take(List<RowError> scratch)
    {
        foreach (var error in scratch)
        {
            Count++;
            if (error.Row != _lastRow)
            {
                Rows++;
                _lastRow = error.Row;
            }
            if (_listed.Count < maxListed)
            {
                _listed.Add(error);
            }
        }
        scratch.Clear();
    }
}
