using System.Runtime.InteropServices;

namespace Fleet.AppHost.Hosting.Processes;

/// <summary>The few POSIX calls .NET does not expose.</summary>
internal static partial class Native
{
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint SysGetEuid();

    public static bool IsRoot => SysGetEuid() == 0;

    public static void Signal(int pid, int signal) => SysKill(pid, signal);

    /// <summary>Signals every process in the process group <paramref name="groupId"/>.</summary>
    public static void SignalGroup(int groupId, int signal) => SysKill(-groupId, signal);

    public static bool IsAlive(int pid) => SysKill(pid, 0) == 0 || Marshal.GetLastPInvokeError() == 1 /* EPERM */;

    /// <summary>Whether any process still belongs to the process group.</summary>
    public static bool GroupIsAlive(int groupId) => SysKill(-groupId, 0) == 0;
}
