namespace Fleet.SchedulerService.Catalogue;

/// <summary>The provider's events feed; the <c>Provider</c> configuration section.</summary>
public sealed class ProviderOptions
{
    public const string SectionName = "Provider";

    /// <summary>Where its document is. The AppHost points this at the stand-in in Development, unless one is configured.</summary>
    public Uri? Url { get; set; }

    /// <summary>How long one attempt may take to send the whole document.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts after the first, with growing, jittered delays.</summary>
    public int Retries { get; set; } = 2;
}
