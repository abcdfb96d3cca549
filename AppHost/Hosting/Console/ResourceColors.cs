namespace Fleet.AppHost.Hosting.Console;

internal static class ResourceColors
{
    private static readonly string[] Palette = ["cyan", "green", "yellow", "magenta", "blue", "orange1", "springgreen2", "hotpink", "aqua", "gold1"];

    public static string For(string instance) =>
        Palette[(int)((uint)StringComparer.Ordinal.GetHashCode(Stable(instance)) % (uint)Palette.Length)];

    // string.GetHashCode is randomised per process; colours should not change between runs.
    private static string Stable(string s) => s.Aggregate(17, (h, c) => unchecked(h * 31 + c)).ToString();

    public static string State(ResourceState state, HealthStatus health) => (state, health) switch
    {
        (ResourceState.Running, HealthStatus.Healthy) => "green",
        (ResourceState.FailedToStart, _) => "red",
        (ResourceState.Restarting, _) => "orange1",
        (ResourceState.Running, HealthStatus.Unhealthy) => "yellow",
        _ => "grey",
    };
}
