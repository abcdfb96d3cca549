using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Fleet.Gateway.Tests.Infrastructure;

public sealed record CapturedLog(LogLevel Level, string Category, string Message, Exception? Exception);

/// <summary>Keeps every log entry the gateway writes, so tests can assert what it did (not) log.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();

    public IReadOnlyList<CapturedLog> Entries => [.. _entries];

    public IReadOnlyList<CapturedLog> AtLeast(LogLevel level) => [.. _entries.Where(e => e.Level >= level)];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<CapturedLog> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new CapturedLog(logLevel, category, formatter(state, exception), exception));
    }
}
