namespace Fleet.AppHost.Hosting;

/// <summary>
/// A value a resource is configured with: taken from configuration (<c>Parameters__{name}</c>) when given there,
/// otherwise, for a secret, generated on first run and kept in the data folder's secrets.json.
/// </summary>
public sealed class ParameterResource(string name, bool secret) : Resource(name)
{
    public override string Kind => "parameter";

    public bool Secret { get; } = secret;

    /// <summary>Settled when the app is built.</summary>
    public string Value { get; internal set; } = "";
}
