using System.Text.Json.Serialization;
using Fleet.SchedulerService.Catalogue.Feed;

namespace Fleet.SchedulerService.Catalogue;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(IReadOnlyList<FeedZone>))]
internal sealed partial class CatalogueJson : JsonSerializerContext;
