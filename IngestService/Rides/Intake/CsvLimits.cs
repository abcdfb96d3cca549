namespace Fleet.IngestService.Rides.Intake;

/// <summary>
/// A request body as a stream that refuses to go on past a line longer than <c>maxLine</c> bytes or a body longer than
/// <c>maxBytes</c>: what keeps a CSV parser, which holds a whole line at once, in bounded memory whatever it is sent.
/// </summary>
internal sealed class CsvLimits(Stream body, int maxLine, long maxBytes) : Stream
{
    private long _total;
    private long _sinceNewline;

    /// <summary>Lines begun so far (1 = the header).</summary>
    public int Line { get; private set; } = 1;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await body.ReadAsync(buffer, cancellationToken);
        Check(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = body.Read(buffer, offset, count);
        Check(buffer.AsSpan(offset, read));
        return read;
    }

    private void Check(ReadOnlySpan<byte> bytes)
    {
        _total += bytes.Length;
        if (_total > maxBytes)
        {
            throw new CsvLimitException(CsvLimit.Bytes, Line);
        }
        for (var newline = bytes.IndexOf((byte)'\n'); newline >= 0; newline = bytes.IndexOf((byte)'\n'))
        {
            if (_sinceNewline + newline > maxLine)
            {
                throw new CsvLimitException(CsvLimit.Line, Line);
            }
            Line++;
            _sinceNewline = 0;
            bytes = bytes[(newline + 1)..];
        }
        _sinceNewline += bytes.Length;
        if (_sinceNewline > maxLine)
        {
            throw new CsvLimitException(CsvLimit.Line, Line);
        }
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _total; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

internal enum CsvLimit
{
    Line,
    Bytes,
}

internal sealed class CsvLimitException(CsvLimit limit, int line) : Exception($"CSV {limit} limit passed at line {line}")
{
    public CsvLimit Limit { get; } = limit;

    public int Line { get; } = line;
}
