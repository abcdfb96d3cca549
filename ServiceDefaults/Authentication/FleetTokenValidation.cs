using Microsoft.IdentityModel.Tokens;

namespace Fleet.ServiceDefaults.Authentication;

/// <summary>What makes an access token valid anywhere in Fleet (docs/auth-contract.md); callers add where the keys come from.</summary>
public static class FleetTokenValidation
{
    public static TokenValidationParameters Parameters(string? issuer, string audience, TimeSpan clockSkew) => new()
    {
        ValidIssuer = issuer,
        ValidateIssuer = true,
        ValidAudience = audience,
        ValidateAudience = true,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        ClockSkew = clockSkew,
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = true,
        // Asymmetric only: "none" and HS256 signed with the public key as a secret are refused.
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSha256],
        ValidTypes = ["at+jwt"],
        NameClaimType = FleetClaims.Subject,
        RoleClaimType = FleetClaims.Roles,
    };
}
