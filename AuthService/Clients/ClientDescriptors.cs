using System.Globalization;
using System.Text.Json;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Fleet.AuthService.Clients;

/// <summary>
/// Fleet's view of an OpenIddict application: the grants and scopes it may use, whether it may introspect, and when it
/// was created and its secret last rotated (kept in the application's properties). Every client may revoke its tokens.
/// </summary>
public static class ClientDescriptors
{
    /// <summary>The grants a confidential client may be given; authorization_code is for seeded browser clients only.</summary>
    public static readonly string[] ConfidentialGrantTypes = [GrantTypes.Password, GrantTypes.ClientCredentials, GrantTypes.RefreshToken];

    private const string CreatedAt = "created_at";
    private const string SecretRotatedAt = "secret_rotated_at";

    public static void SetPermissions(OpenIddictApplicationDescriptor descriptor, IEnumerable<string> grantTypes, IEnumerable<string> scopes, bool introspect)
    {
        descriptor.Permissions.Clear();
        descriptor.Permissions.Add(Permissions.Endpoints.Token);
        descriptor.Permissions.Add(Permissions.Endpoints.Revocation);
        if (introspect)
        {
            descriptor.Permissions.Add(Permissions.Endpoints.Introspection);
        }
        foreach (var grantType in grantTypes.Distinct())
        {
            descriptor.Permissions.Add(Permissions.Prefixes.GrantType + grantType);
            if (grantType == GrantTypes.AuthorizationCode)
            {
                descriptor.Permissions.Add(Permissions.Endpoints.Authorization);
                descriptor.Permissions.Add(Permissions.ResponseTypes.Code);
            }
        }
        foreach (var scope in scopes.Distinct())
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }
    }

    public static void MarkCreated(OpenIddictApplicationDescriptor descriptor, DateTimeOffset now) => Set(descriptor, CreatedAt, now);

    public static void MarkSecretRotated(OpenIddictApplicationDescriptor descriptor, DateTimeOffset now) => Set(descriptor, SecretRotatedAt, now);

    /// <summary>A secret rotated through the admin API is kept over the one in configuration.</summary>
    public static bool SecretWasRotated(OpenIddictApplicationDescriptor descriptor) => Get(descriptor, SecretRotatedAt) is not null;

    public static ClientView View(OpenIddictApplicationDescriptor descriptor)
    {
        string[] With(string prefix) => [.. descriptor.Permissions.Where(p => p.StartsWith(prefix, StringComparison.Ordinal)).Select(p => p[prefix.Length..])];
        return new ClientView(descriptor.ClientId!, descriptor.DisplayName ?? descriptor.ClientId!, With(Permissions.Prefixes.GrantType),
            With(Permissions.Prefixes.Scope), descriptor.Permissions.Contains(Permissions.Endpoints.Introspection),
            Get(descriptor, CreatedAt), Get(descriptor, SecretRotatedAt));
    }

    private static void Set(OpenIddictApplicationDescriptor descriptor, string name, DateTimeOffset value) =>
        descriptor.Properties[name] = JsonSerializer.SerializeToElement(value.ToString("O", CultureInfo.InvariantCulture));

    private static DateTimeOffset? Get(OpenIddictApplicationDescriptor descriptor, string name) =>
        descriptor.Properties.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String
            ? DateTimeOffset.Parse(value.GetString()!, CultureInfo.InvariantCulture) : null;
}

public sealed record ClientView(string ClientId, string Name, string[] GrantTypes, string[] Scopes, bool Introspect,
    DateTimeOffset? CreatedAt, DateTimeOffset? SecretRotatedAt);
