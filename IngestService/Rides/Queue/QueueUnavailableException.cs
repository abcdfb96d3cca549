namespace Fleet.IngestService.Rides.Queue;

/// <summary>The broker did not take a batch: refused, unroutable, unreachable, or not confirming in time. Nothing was acknowledged.</summary>
public sealed class QueueUnavailableException(string message, Exception innerException) : Exception(message, innerException);
