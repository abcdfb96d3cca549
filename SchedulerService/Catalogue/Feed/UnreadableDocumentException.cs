namespace Fleet.SchedulerService.Catalogue.Feed;

/// <summary>The provider answered with something that is not a whole plan list: nothing of it may be stored.</summary>
public sealed class UnreadableDocumentException(string message, Exception? inner = null) : Exception(message, inner);
