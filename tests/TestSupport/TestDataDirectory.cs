namespace Fleet.Testing;

/// <summary>A throw-away data folder under /tmp (which the postgres user can enter), deleted when disposed.</summary>
public sealed class TestDataDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine("/tmp", $"fleet-test-{Guid.NewGuid():N}"[..24]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
