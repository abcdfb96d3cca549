using System.Globalization;
using System.Xml;

namespace Fleet.SchedulerService.Catalogue.Feed;

/// <summary>
/// Reads a provider document as it streams in (XmlReader: no DTDs, no external entities). A plan it cannot make sense of
/// (a date that does not exist, an end before its start, an id that is not a number) is skipped and counted, the rest
/// kept; a document that is not a whole plan list (empty, truncated, not XML, another root) throws
/// <see cref="UnreadableDocumentException"/>, so that nothing of it is stored.
/// </summary>
public static class ProviderDocumentReader
{
    private static readonly string[] DateFormats = ["yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFF", "yyyy-MM-ddTHH:mm"];

    private static readonly XmlReaderSettings Settings = new()
    {
        Async = true,
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreWhitespace = true,
        IgnoreProcessingInstructions = true,
        CloseInput = false,
    };

    public static async Task<ProviderDocument> ReadAsync(Stream document, CancellationToken cancellationToken)
    {
        var plans = new List<FeedPlan>();
        var skipped = new Dictionary<string, int>();
        void Skip(string reason) => skipped[reason] = skipped.GetValueOrDefault(reason) + 1;

        var sawPlanList = false;
        BasePlan? basePlan = null;
        PlanDraft? plan = null;
        try
        {
            using var reader = XmlReader.Create(document, Settings);
            while (await reader.ReadAsync())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (reader.NodeType == XmlNodeType.Element)
                {
                    switch (reader.LocalName)
                    {
                        case "planList" when reader.Depth == 0:
                            sawPlanList = true;
                            break;
                        case "base_plan" when sawPlanList:
                            basePlan = BasePlan.Read(reader);
                            if (basePlan is null)
                            {
                                Skip("base plan without a numeric base_plan_id");
                            }
                            break;
                        case "plan" when basePlan is not null:
                            plan = new PlanDraft(reader, basePlan);
                            break;
                        case "zone" when plan is not null:
                            if (!plan.AddZone(reader))
                            {
                                Skip("zone without a readable id, capacity or price");
                            }
                            break;
                        case var other when reader.Depth == 0:
                            throw new UnreadableDocumentException($"The document is a <{other}>, not a <planList>.");
                    }
                    if (!reader.IsEmptyElement)
                    {
                        continue;
                    }
                }
                else if (reader.NodeType != XmlNodeType.EndElement)
                {
                    continue;
                }

                // The end of an element, or an element without content.
                switch (reader.LocalName)
                {
                    case "plan" when plan is not null:
                        if (plan.Complete(out var reason) is { } complete)
                        {
                            plans.Add(complete);
                        }
                        else
                        {
                            Skip(reason!);
                        }
                        plan = null;
                        break;
                    case "base_plan":
                        basePlan = null;
                        break;
                }
            }
        }
        catch (XmlException exception)
        {
            throw new UnreadableDocumentException($"The document is not whole XML: {exception.Message}", exception);
        }

        return sawPlanList
            ? new ProviderDocument(plans, skipped)
            : throw new UnreadableDocumentException("The document is empty or has no <planList>.");
    }

    private static bool TryReadDate(string? value, out DateTime date) =>
        DateTime.TryParseExact(value, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    private static bool TryReadLong(string? value, out long number) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out number);

    private sealed record BasePlan(long Id, string Title, bool Online, long? OrganizerCompanyId)
    {
        public static BasePlan? Read(XmlReader reader) =>
            TryReadLong(reader.GetAttribute("base_plan_id"), out var id)
                ? new BasePlan(id, reader.GetAttribute("title") ?? "",
                    string.Equals(reader.GetAttribute("sell_mode"), "online", StringComparison.OrdinalIgnoreCase),
                    TryReadLong(reader.GetAttribute("organizer_company_id"), out var organizer) ? organizer : null)
                : null;
    }

    /// <summary>A plan whose attributes were read and whose zones are being read.</summary>
    private sealed class PlanDraft(XmlReader reader, BasePlan basePlan)
    {
        private readonly string? _planId = reader.GetAttribute("plan_id");
        private readonly string? _startsAt = reader.GetAttribute("plan_start_date");
        private readonly string? _endsAt = reader.GetAttribute("plan_end_date");
        private readonly string? _sellFrom = reader.GetAttribute("sell_from");
        private readonly string? _sellTo = reader.GetAttribute("sell_to");
        private readonly bool _soldOut = string.Equals(reader.GetAttribute("sold_out"), "true", StringComparison.OrdinalIgnoreCase);
        private readonly List<FeedZone> _zones = [];

        public bool AddZone(XmlReader zone)
        {
            if (!TryReadLong(zone.GetAttribute("zone_id"), out var id)
                || !int.TryParse(zone.GetAttribute("capacity"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var capacity)
                || !decimal.TryParse(zone.GetAttribute("price"), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var price))
            {
                return false;
            }
            _zones.Add(new FeedZone(id, zone.GetAttribute("name") ?? "", capacity, price,
                string.Equals(zone.GetAttribute("numbered"), "true", StringComparison.OrdinalIgnoreCase)));
            return true;
        }

        public FeedPlan? Complete(out string? skipped)
        {
            skipped = null;
            if (!TryReadLong(_planId, out var planId))
            {
                skipped = "plan without a numeric plan_id";
                return null;
            }
            if (!TryReadDate(_startsAt, out var startsAt) || !TryReadDate(_endsAt, out var endsAt))
            {
                skipped = "plan with a start or end date that does not exist";
                return null;
            }
            if (endsAt < startsAt)
            {
                skipped = "plan that ends before it starts";
                return null;
            }
            return new FeedPlan(basePlan.Id, planId, basePlan.Title, basePlan.Online, basePlan.OrganizerCompanyId, startsAt, endsAt,
                TryReadDate(_sellFrom, out var sellFrom) ? sellFrom : null, TryReadDate(_sellTo, out var sellTo) ? sellTo : null,
                _soldOut, _zones);
        }
    }
}
