using System.Security.Claims;
using Fleet.FileService.Files.Reading;
using Fleet.FileService.Storage;
using Fleet.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Fleet.FileService.Files.Upload;

public static class UploadEndpoints
{
    public static IEndpointRouteBuilder MapUploadEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/files", UploadAsync)
            .RequireAuthorization(FleetPolicies.FilesWrite)
            .WithTags("Files")
            .WithSummary("Upload a file: multipart/form-data with one file part, or the raw body with ?name=")
            .DisableAntiforgery()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return routes;
    }

    private static async Task<Results<Created<FileView>, ValidationProblem, ProblemHttpResult>> UploadAsync(
        HttpContext context, string? name, ClaimsPrincipal caller, FileUpload upload, IOptions<UploadOptions> options, CancellationToken cancellationToken)
    {
        var maxBytes = options.Value.MaxBytes;
        if (context.Request.ContentLength > maxBytes + 64 * 1024) // a multipart envelope adds a little
        {
            return TooLarge(maxBytes);
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null; // the upload counts its own bytes, against Files:Upload:MaxBytes
        }

        try
        {
            if (MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var mediaType)
                && mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            {
                var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
                if (string.IsNullOrEmpty(boundary))
                {
                    return Invalid("body", "A multipart/form-data body needs its boundary.");
                }
                var reader = new MultipartReader(boundary, context.Request.Body);
                for (var section = await reader.ReadNextSectionAsync(cancellationToken); section is not null; section = await reader.ReadNextSectionAsync(cancellationToken))
                {
                    if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) && disposition.IsFileDisposition())
                    {
                        var partName = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                        if (FileNames.Sanitise(partName) is not { } safePartName)
                        {
                            return Invalid("filename", "The file part needs a file name with something besides dots, spaces, slashes and control characters.");
                        }
                        var kept = await upload.KeepAsync(section.Body, safePartName, maxBytes, caller, cancellationToken);
                        return TypedResults.Created($"/files/{kept.Id}", FileView.From(kept));
                    }
                }
                return Invalid("file", "The form has no file part.");
            }

            if (FileNames.Sanitise(name) is not { } safeName)
            {
                return Invalid("name", "A raw upload needs ?name=, with something besides dots, spaces, slashes and control characters.");
            }
            var file = await upload.KeepAsync(context.Request.Body, safeName, maxBytes, caller, cancellationToken);
            return TypedResults.Created($"/files/{file.Id}", FileView.From(file));
        }
        catch (BlobTooLargeException)
        {
            return TooLarge(maxBytes);
        }
        catch (InvalidDataException exception) // a malformed multipart body
        {
            return Invalid("body", exception.Message);
        }
    }

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    private static ProblemHttpResult TooLarge(long maxBytes) => TypedResults.Problem(
        title: "File too large", detail: $"A file may be at most {maxBytes} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge);
}
