namespace Projects;

/// <summary>A service project the AppHost runs from its build output (Aspire generates these; here they are written out).</summary>
public interface IProjectMetadata
{
    /// <summary>The project folder, relative to the repository root.</summary>
    static abstract string ProjectDirectory { get; }
}

public sealed class Gateway : IProjectMetadata { public static string ProjectDirectory => "Gateway"; }
public sealed class AuthService : IProjectMetadata { public static string ProjectDirectory => "AuthService"; }
public sealed class IngestService : IProjectMetadata { public static string ProjectDirectory => "IngestService"; }
public sealed class FileService : IProjectMetadata { public static string ProjectDirectory => "FileService"; }
public sealed class AuditService : IProjectMetadata { public static string ProjectDirectory => "AuditService"; }
public sealed class SchedulerService : IProjectMetadata { public static string ProjectDirectory => "SchedulerService"; }
