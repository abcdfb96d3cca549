namespace Fleet.AppHost.Hosting;

/// <summary>Any local program, healthy when its HTTP health URL answers 2xx (or as soon as it runs, without one).</summary>
public sealed class ExecutableResource(string name, string command, string[] arguments) : Resource(name)
{
    public override string Kind => "executable";

    public string Command { get; } = command;

    public string[] Arguments { get; } = arguments;

    public Dictionary<string, string> Environment { get; } = [];

    public Uri? HealthCheckUri { get; internal set; }
}
