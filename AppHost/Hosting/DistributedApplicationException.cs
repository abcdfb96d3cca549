namespace Fleet.AppHost.Hosting;

/// <summary>The app could not be built, started or stopped; the message says what to do about it.</summary>
public sealed class DistributedApplicationException(string message, Exception? inner = null) : Exception(message, inner);
