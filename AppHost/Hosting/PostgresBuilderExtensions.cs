namespace Fleet.AppHost.Hosting;

public static class PostgresBuilderExtensions
{
    /// <summary>A PostgreSQL server, run from the Debian packages with its data under the AppHost's data folder.</summary>
    public static IResourceBuilder<PostgresServerResource> AddPostgres(this DistributedApplicationBuilder builder, string name)
    {
        var server = new PostgresServerResource(name) { ExistingConnectionString = builder.ExistingConnectionString(name) };
        return builder.AddResource(server);
    }

    /// <summary>A database on the server, created on first start.</summary>
    public static IResourceBuilder<PostgresDatabaseResource> AddDatabase(
        this IResourceBuilder<PostgresServerResource> builder, string name, string? databaseName = null)
    {
        var database = new PostgresDatabaseResource(name, databaseName ?? name, builder.Resource)
        {
            ExistingConnectionString = builder.ApplicationBuilder.ExistingConnectionString(name),
        };
        if (!DatabaseNames.IsValid(database.DatabaseName))
        {
            throw new ArgumentException($"'{database.DatabaseName}' is not a valid database name: use lower-case letters, digits and '_'.", nameof(databaseName));
        }
        database.WaitsFor.Add(builder.Resource);
        builder.Resource.Databases.Add(database);
        return builder.ApplicationBuilder.AddResource(database);
    }
}

internal static class DatabaseNames
{
    public static bool IsValid(string name) =>
        name.Length is > 0 and <= 63 && char.IsAsciiLetterLower(name[0]) && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');
}
