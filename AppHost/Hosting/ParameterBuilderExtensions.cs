namespace Fleet.AppHost.Hosting;

public static class ParameterBuilderExtensions
{
    /// <summary>A value from configuration (<c>Parameters__{name}</c>), or for a secret one generated on first run.</summary>
    public static IResourceBuilder<ParameterResource> AddParameter(this DistributedApplicationBuilder builder, string name, bool secret = false)
    {
        var parameter = new ParameterResource(name, secret);
        if (builder.Configuration[$"Parameters:{name}"] is { Length: > 0 } given)
        {
            parameter.Value = given;
        }
        else if (!secret)
        {
            throw new DistributedApplicationException($"Parameter '{name}' has no value: set Parameters__{name}.");
        }
        return builder.AddResource(parameter);
    }
}
