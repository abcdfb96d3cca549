namespace Fleet.AppHost.Hosting.Runners;

/// <summary>
/// A server run from local binaries, unless <c>ConnectionStrings__{name}</c> named an existing one: then nothing
/// is started or checked for it here, and only its health is watched.
/// </summary>
internal abstract class ServerRunner(ServerResource server, RunContext context) : ProcessRunner(server, context)
{
    public override string? Endpoint => server.IsExisting ? "(existing)" : $"127.0.0.1:{server.Port}";

    public sealed override IEnumerable<string> CheckPrerequisites() => server.IsExisting ? [] : CheckLocalPrerequisites();

    public sealed override Task StartAsync(CancellationToken cancellationToken) =>
        server.IsExisting ? Task.CompletedTask : StartLocalAsync(cancellationToken);

    /// <summary>What must be on this machine to run the server here.</summary>
    protected abstract IEnumerable<string> CheckLocalPrerequisites();

    protected virtual Task StartLocalAsync(CancellationToken cancellationToken) => base.StartAsync(cancellationToken);
}
