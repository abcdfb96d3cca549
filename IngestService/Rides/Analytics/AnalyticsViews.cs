namespace Fleet.IngestService.Rides.Analytics;

/// <summary>Rides, and of those cancelled for want of a car, for one value of a dimension (hour, area, vehicle model).</summary>
public sealed record CancellationRow(int Key, long Rides, long Cancelled, double CancellationRate);

public sealed record CancellationReport(string By, AnalyticsFilter Filter, IReadOnlyList<CancellationRow> Items);

public sealed record RouteCount(int FromAreaId, int ToAreaId, long Rides);

public sealed record AreaCount(int AreaId, long Rides);

public sealed record TopReport<T>(AnalyticsFilter Filter, IReadOnlyList<T> Items);

/// <summary>Desktop site, mobile site, and the rest (booked neither way, e.g. by phone or app).</summary>
public sealed record BookingChannels(AnalyticsFilter Filter, long Rides, long Desktop, long MobileSite, long Other);

public sealed record DistanceBucket(double FromKm, double? ToKm, long Rides);

/// <summary>Trip distances (great circle between pickup and drop) of the rides that have both coordinate pairs.</summary>
public sealed record DistanceReport(AnalyticsFilter Filter, long Rides, double? P50Km, double? P90Km, double? P99Km, IReadOnlyList<DistanceBucket> Histogram);
