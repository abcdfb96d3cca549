using Microsoft.Extensions.Options;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;
using static OpenIddict.Server.OpenIddictServerHandlers;

namespace Fleet.AuthService.Protocol;

/// <summary>
/// Discovery names every endpoint under the issuer, the public address through the gateway. OpenIddict would build
/// them from the address the request reached, which behind the gateway is AuthService's own.
/// </summary>
public static class PublicEndpointUris
{
    public static void Register(OpenIddictServerBuilder server) =>
        server.AddEventHandler<HandleConfigurationRequestContext>(handler => handler
            .UseSingletonHandler<AttachPublicEndpointUris>()
            .SetOrder(Discovery.AttachEndpoints.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom));

    private sealed class AttachPublicEndpointUris(IOptions<AuthOptions> options) : IOpenIddictServerHandler<HandleConfigurationRequestContext>
    {
        public ValueTask HandleAsync(HandleConfigurationRequestContext context)
        {
            var auth = options.Value;
            context.AuthorizationEndpoint = new Uri(auth.IssuerUrl("connect/authorize"));
            context.TokenEndpoint = new Uri(auth.IssuerUrl("connect/token"));
            context.RevocationEndpoint = new Uri(auth.IssuerUrl("connect/revoke"));
            context.IntrospectionEndpoint = new Uri(auth.IssuerUrl("connect/introspect"));
            context.JsonWebKeySetEndpoint = new Uri(auth.IssuerUrl(".well-known/jwks.json"));
            return default;
        }
    }
}
