namespace Fleet.AppHost.Hosting.Processes;

/// <summary>One resource's output: kept in its own file, the last lines in memory, and passed to the console.</summary>
internal sealed class ResourceLog : IDisposable
{
    private const int TailLength = 200;
    private readonly Queue<string> _tail = new();
    private readonly StreamWriter _file;
    private readonly Action<string, string> _onLine;

    public ResourceLog(string name, string logDirectory, Action<string, string> onLine)
    {
        Name = name;
        _onLine = onLine;
        Directory.CreateDirectory(logDirectory);
        FilePath = Path.Combine(logDirectory, name + ".log");
        _file = new StreamWriter(new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    }

    public string Name { get; }

    public string FilePath { get; }

    public void Write(string line)
    {
        lock (_tail)
        {
            _file.WriteLine($"{DateTimeOffset.Now:HH:mm:ss.fff} {line}");
            _tail.Enqueue(line);
            if (_tail.Count > TailLength)
            {
                _tail.Dequeue();
            }
        }
        _onLine(Name, line);
    }

    public IReadOnlyList<string> Tail(int lines)
    {
        lock (_tail)
        {
            return _tail.Skip(Math.Max(0, _tail.Count - lines)).ToList();
        }
    }

    public void Dispose()
    {
        lock (_tail)
        {
            _file.Dispose();
        }
    }
}
