using System.Text.Json;
using Fleet.FileService.Files.Reading;
using Fleet.FileService.Files.Scanning;
using Fleet.FileService.Files.Upload;
using Fleet.FileService.Storage;

namespace Fleet.FileService;

public static class FileServiceExtensions
{
    /// <summary>Uploads, reads and deletes of files, their contents on the local disk, and their scans. Needs filesdb and the broker registered first.</summary>
    public static IHostApplicationBuilder AddFileService(this IHostApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<BlobStorageOptions>().BindConfiguration(BlobStorageOptions.SectionName);
        builder.Services.AddOptions<UploadOptions>().BindConfiguration(UploadOptions.SectionName);
        builder.Services.AddSingleton<IBlobStore, LocalDiskBlobStore>();
        builder.Services.AddScoped<FileUpload>();
        builder.Services.AddSingleton<FileMetrics>();
        builder.Services.AddOptions<ScanOptions>().BindConfiguration(ScanOptions.SectionName);
        builder.Services.AddSingleton<OutboxRelay>();
        builder.Services.AddHostedService(services => services.GetRequiredService<OutboxRelay>());
        builder.Services.AddHostedService<ScanConsumer>();
        return builder;
    }

    public static IEndpointRouteBuilder MapFileServiceEndpoints(this IEndpointRouteBuilder routes) => routes
        .MapUploadEndpoints()
        .MapFileEndpoints()
        .MapRescanEndpoints();
}
