namespace Fleet.AppHost.Hosting;

public sealed class RedisResource(string name) : ServerResource(name)
{
    public override string Kind => "redis";

    protected override string BuildConnectionString() => $"127.0.0.1:{Port},password={Password}";
}
