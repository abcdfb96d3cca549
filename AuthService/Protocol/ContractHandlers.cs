using Fleet.AuthService.ApiKeys;
using Microsoft.AspNetCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;
using static OpenIddict.Server.OpenIddictServerHandlers;

namespace Fleet.AuthService.Protocol;

/// <summary>
/// Where Fleet's contract (docs/auth-contract.md) says more than OpenIddict does by default, each within what the
/// RFCs allow: strict request parameters, <c>invalid_client</c> for a request without client authentication, the
/// granted scope in every token response, refresh tokens without <c>offline_access</c>, and caching headers.
/// </summary>
public static class ContractHandlers
{
    public const int MaxParameterLength = 2048;

    public static void Register(OpenIddictServerBuilder server)
    {
        const int First = int.MinValue + 50_000; // before OpenIddict's own checks
        server.AddEventHandler<ValidateTokenRequestContext>(handler => handler
            .UseSingletonHandler<StrictParameters<ValidateTokenRequestContext>>().SetOrder(First).SetType(OpenIddictServerHandlerType.Custom));
        server.AddEventHandler<ValidateRevocationRequestContext>(handler => handler
            .UseSingletonHandler<StrictParameters<ValidateRevocationRequestContext>>().SetOrder(First).SetType(OpenIddictServerHandlerType.Custom));
        server.AddEventHandler<ValidateIntrospectionRequestContext>(handler => handler
            .UseSingletonHandler<StrictParameters<ValidateIntrospectionRequestContext>>().SetOrder(First).SetType(OpenIddictServerHandlerType.Custom));
        server.AddEventHandler<ValidateTokenRequestContext>(handler => handler
            .UseSingletonHandler<RequireClientAuthentication>().SetOrder(First + 1).SetType(OpenIddictServerHandlerType.Custom));
        server.AddEventHandler<ProcessSignInContext>(handler => handler
            .UseScopedHandler<IssueRefreshTokensWhereAllowed>().SetOrder(EvaluateGeneratedTokens.Descriptor.Order + 1).SetType(OpenIddictServerHandlerType.Custom));
        server.AddEventHandler<ProcessSignInContext>(handler => handler
            .UseSingletonHandler<NameGrantedScope>().SetOrder(AttachCustomSignInParameters.Descriptor.Order - 1).SetType(OpenIddictServerHandlerType.Custom));
        // Any client allowed to introspect may introspect any token, and is told its scope: the clients that may are
        // Fleet's own resource servers (the gateway, AuditService), and "fleet", every token's audience, is all of them.
        server.RemoveEventHandler(Introspection.ValidateAuthorizedParty.Descriptor);
        server.AddEventHandler<HandleIntrospectionRequestContext>(handler => handler
            .UseSingletonHandler<NameIntrospectedScope>().SetOrder(int.MaxValue - 200_000).SetType(OpenIddictServerHandlerType.Custom));
        server.AddEventHandler<ApplyJsonWebKeySetResponseContext>(handler => handler
            .UseSingletonHandler<CacheFor5Minutes<ApplyJsonWebKeySetResponseContext>>().SetOrder(First).SetType(OpenIddictServerHandlerType.Custom));
        server.AddEventHandler<ApplyConfigurationResponseContext>(handler => handler
            .UseSingletonHandler<CacheFor5Minutes<ApplyConfigurationResponseContext>>().SetOrder(First).SetType(OpenIddictServerHandlerType.Custom));
        server.AddEventHandler<ApplyIntrospectionResponseContext>(handler => handler
            .UseSingletonHandler<NeverCache<ApplyIntrospectionResponseContext>>().SetOrder(First).SetType(OpenIddictServerHandlerType.Custom));
        server.AddEventHandler<ApplyRevocationResponseContext>(handler => handler
            .UseSingletonHandler<NeverCache<ApplyRevocationResponseContext>>().SetOrder(First).SetType(OpenIddictServerHandlerType.Custom));
    }

    /// <summary>No parameter twice (RFC 6749 §3.2) and none longer than <see cref="MaxParameterLength"/> characters.</summary>
    private sealed class StrictParameters<TContext> : IOpenIddictServerHandler<TContext> where TContext : BaseValidatingContext
    {
        public ValueTask HandleAsync(TContext context)
        {
            foreach (var (name, value) in context.Transaction.Request!.GetParameters())
            {
                var shown = name.Length <= 64 ? name : name[..64] + "…";
                var values = (Microsoft.Extensions.Primitives.StringValues?)value ?? default;
                if (values.Count > 1)
                {
                    context.Reject(Errors.InvalidRequest, $"The parameter '{shown}' is repeated.");
                    break;
                }
                if (values.Any(v => v?.Length > MaxParameterLength))
                {
                    context.Reject(Errors.InvalidRequest, $"The parameter '{shown}' is longer than {MaxParameterLength} characters.");
                    break;
                }
            }
            return default;
        }
    }

    /// <summary>RFC 6749 §5.2: no client authentication at all is <c>invalid_client</c>, where OpenIddict says invalid_request.</summary>
    private sealed class RequireClientAuthentication : IOpenIddictServerHandler<ValidateTokenRequestContext>
    {
        public ValueTask HandleAsync(ValidateTokenRequestContext context)
        {
            if (string.IsNullOrEmpty(context.ClientId))
            {
                context.Reject(Errors.InvalidClient, "Client authentication is required.");
            }
            return default;
        }
    }

    /// <summary>
    /// A client allowed the refresh_token grant gets a refresh token with every user's token, as the contract has
    /// always said, without asking for <c>offline_access</c>, which would then show in every token.
    /// </summary>
    private sealed class IssueRefreshTokensWhereAllowed(IOpenIddictApplicationManager applications) : IOpenIddictServerHandler<ProcessSignInContext>
    {
        public async ValueTask HandleAsync(ProcessSignInContext context)
        {
            if (context.EndpointType is not OpenIddictServerEndpointType.Token || context.Request.IsClientCredentialsGrantType()
                || context.ClientId is not { } clientId)
            {
                return;
            }
            var application = await applications.FindByClientIdAsync(clientId, context.CancellationToken);
            if (application is not null && await applications.HasPermissionAsync(application, Permissions.GrantTypes.RefreshToken, context.CancellationToken))
            {
                context.GenerateRefreshToken = context.IncludeRefreshToken = true;
            }
        }
    }

    /// <summary>The scope granted, even when it is the scope requested (RFC 6749 §5.1 makes it optional then).</summary>
    private sealed class NameGrantedScope : IOpenIddictServerHandler<ProcessSignInContext>
    {
        public ValueTask HandleAsync(ProcessSignInContext context)
        {
            if (context.EndpointType is OpenIddictServerEndpointType.Token && context.Principal is { } principal)
            {
                context.Parameters.TryAdd(Parameters.Scope, string.Join(' ', principal.GetScopes()));
            }
            return default;
        }
    }

    private sealed class NameIntrospectedScope : IOpenIddictServerHandler<HandleIntrospectionRequestContext>
    {
        public ValueTask HandleAsync(HandleIntrospectionRequestContext context)
        {
            if (context.GenericTokenPrincipal is { } principal)
            {
                context.Scopes.UnionWith(principal.GetScopes());
            }
            return default;
        }
    }

    /// <summary>Short enough that a verifier sees a new key soon; verifiers also refetch on an unknown kid.</summary>
    private sealed class CacheFor5Minutes<TContext> : IOpenIddictServerHandler<TContext> where TContext : BaseRequestContext
    {
        public ValueTask HandleAsync(TContext context)
        {
            if (context.Transaction.GetHttpRequest() is { } request)
            {
                request.HttpContext.Response.Headers.CacheControl = "public, max-age=300";
            }
            return default;
        }
    }

    /// <summary>What a token is and whom it names is never cached (as RFC 6749 §5.1 says of tokens).</summary>
    private sealed class NeverCache<TContext> : IOpenIddictServerHandler<TContext> where TContext : BaseRequestContext
    {
        public ValueTask HandleAsync(TContext context)
        {
            if (context.Transaction.GetHttpRequest() is { } request)
            {
                Secrets.NoStore(request.HttpContext);
            }
            return default;
        }
    }
}
