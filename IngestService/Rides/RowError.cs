namespace Fleet.IngestService.Rides;

/// <summary>Why a row was refused: its number in the request (1 = the first ride), the field, and the reason.</summary>
public sealed record RowError(int Row, string Field, string Reason);
