using System.Diagnostics;

namespace Fleet.AppHost.LocalServers.RabbitMQ;

/// <summary>rabbitmqctl, pointed at the local broker: its node name, its cookie (in its data folder) and its port mapper.</summary>
internal static class RabbitMQControl
{
    /// <summary>
    /// Evaluates an Erlang expression on the running node and returns what it printed, or null when rabbitmqctl failed or
    /// did not answer within <paramref name="timeout"/>. <c>-start_epmd false</c>: with the port mapper gone, rabbitmqctl
    /// would otherwise start one of its own, which would outlive everything.
    /// </summary>
    public static async Task<string?> EvalAsync(RabbitMQServerResource broker, EpmdResource epmd, string expression,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!epmd.Endpoint.IsAllocated)
        {
            return null;
        }
        var control = new ProcessStartInfo(RabbitMQServerResource.ControlScript)
        {
            ArgumentList = { "eval", expression },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["HOME"] = broker.DataDirectory,
                ["RABBITMQ_NODENAME"] = RabbitMQServerResource.NodeName,
                ["ERL_EPMD_PORT"] = epmd.Endpoint.TargetPort?.ToString(),
                ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
                ["RABBITMQ_CTL_ERL_ARGS"] = "-start_epmd false",
            },
        };
        using var process = Process.Start(control)!;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(deadline.Token);
            _ = process.StandardError.ReadToEndAsync(deadline.Token);
            await process.WaitForExitAsync(deadline.Token);
            return process.ExitCode == 0 ? await output : null;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return null;
        }
    }
}
