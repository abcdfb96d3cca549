using System.Diagnostics.Metrics;

namespace Fleet.FileService.Files.Scanning;

/// <summary>Meter <c>Fleet.FileService</c>: bytes uploaded, scans done and failed, findings by type.</summary>
public sealed class FileMetrics
{
    public const string MeterName = "Fleet.FileService";
    private readonly Counter<long> _bytesUploaded;
    private readonly Counter<long> _scans;
    private readonly Counter<long> _scansFailed;
    private readonly Counter<long> _findings;

    public FileMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _bytesUploaded = meter.CreateCounter<long>("fleet.files.uploaded.bytes", "By", "Bytes of files kept");
        _scans = meter.CreateCounter<long>("fleet.files.scans", "{scan}", "Scans done, by level");
        _scansFailed = meter.CreateCounter<long>("fleet.files.scans.failed", "{scan}", "Scan attempts that failed");
        _findings = meter.CreateCounter<long>("fleet.files.findings", "{finding}", "Sensitive values found, by type");
    }

    public void Uploaded(long bytes) => _bytesUploaded.Add(bytes);

    public void Scanned(ScanResult result)
    {
        _scans.Add(1, new KeyValuePair<string, object?>("level", result.Level));
        foreach (var finding in result.Findings)
        {
            _findings.Add(finding.Count, new KeyValuePair<string, object?>("type", finding.Type));
        }
    }

    public void ScanFailed() => _scansFailed.Add(1);
}
