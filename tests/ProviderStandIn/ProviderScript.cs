namespace Fleet.ProviderStandIn;

/// <summary>
/// What the stand-in answers, request by request; after the last step it keeps answering the last one. The default
/// script walks through what the real provider does: plans appearing, changing price, disappearing, turning offline,
/// malformed documents, 500s and stalls.
/// </summary>
public sealed class ProviderScript(IReadOnlyList<ProviderStep> steps)
{
    private int _next = -1;

    public ProviderStep Next() => steps[Math.Min(Interlocked.Increment(ref _next), steps.Count - 1)];

    public static ProviderScript Default(TimeSpan stall) => new(
    [
        ProviderStep.Document(ProviderDocuments.First),
        ProviderStep.Document(ProviderDocuments.First),          // unchanged: a conditional request gets 304
        ProviderStep.Status(StatusCodes.Status500InternalServerError),
        ProviderStep.Document(ProviderDocuments.Second),         // a price changes, a plan goes, a plan comes
        ProviderStep.Malformed(ProviderDocuments.Second),        // cut off half-way
        ProviderStep.Stall(stall, ProviderDocuments.Second),
        ProviderStep.Document(ProviderDocuments.Third),          // a base plan turns offline
    ]);
}

/// <summary>One answer of the stand-in.</summary>
public abstract record ProviderStep
{
    public abstract Task AnswerAsync(HttpContext context);

    public static ProviderStep Document(string xml) => new DocumentStep(xml);

    public static ProviderStep Status(int status) => new StatusStep(status);

    public static ProviderStep Malformed(string xml) => new DocumentStep(xml[..(xml.Length / 2)]);

    public static ProviderStep Stall(TimeSpan delay, string xml) => new StallStep(delay, xml);

    private sealed record DocumentStep(string Xml) : ProviderStep
    {
        public override async Task AnswerAsync(HttpContext context)
        {
            var etag = $"\"{(uint)Xml.GetHashCode(StringComparison.Ordinal):x8}\"";
            context.Response.Headers.ETag = etag;
            if (context.Request.Headers.IfNoneMatch == etag)
            {
                context.Response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }
            context.Response.ContentType = "application/xml";
            await context.Response.WriteAsync(Xml, context.RequestAborted);
        }
    }

    private sealed record StatusStep(int Code) : ProviderStep
    {
        public override Task AnswerAsync(HttpContext context)
        {
            context.Response.StatusCode = Code;
            return Task.CompletedTask;
        }
    }

    private sealed record StallStep(TimeSpan Delay, string Xml) : ProviderStep
    {
        public override async Task AnswerAsync(HttpContext context)
        {
            await Task.Delay(Delay, context.RequestAborted);
            await new DocumentStep(Xml).AnswerAsync(context);
        }
    }
}
