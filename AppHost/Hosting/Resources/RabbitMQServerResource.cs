namespace Fleet.AppHost.Hosting;

public sealed class RabbitMQServerResource(string name) : ServerResource(name)
{
    public const string UserName = "fleet";

    public override string Kind => "rabbitmq";

    public bool ManagementPluginEnabled { get; internal set; }

    public int ManagementPort { get; internal set; }

    public int DistributionPort { get; internal set; }

    public int EpmdPort { get; internal set; }

    public Uri? ManagementUri => ManagementPluginEnabled && !IsExisting ? new Uri($"http://127.0.0.1:{ManagementPort}/") : null;

    protected override string BuildConnectionString() =>
        $"amqp://{UserName}:{Uri.EscapeDataString(Password)}@127.0.0.1:{Port}/";
}
