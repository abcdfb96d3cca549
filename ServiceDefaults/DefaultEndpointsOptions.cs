namespace Fleet.ServiceDefaults;

/// <summary>Which of the default endpoints <c>MapDefaultEndpoints</c> maps.</summary>
public sealed class DefaultEndpointsOptions
{
    /// <summary>
    /// Map <c>/health</c> (every registered check). Turn off when the app maps its own
    /// <c>/health</c>, as the Gateway does with its aggregate over all services.
    /// </summary>
    public bool MapHealth { get; set; } = true;

    /// <summary>Map <c>/alive</c> (liveness checks only: is the process responsive).</summary>
    public bool MapAlive { get; set; } = true;

    /// <summary>Map the OpenAPI document at <c>/openapi/v1.json</c>.</summary>
    public bool MapOpenApi { get; set; } = true;
}
