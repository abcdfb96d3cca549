using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;

namespace Fleet.AuthService.Users;

/// <summary>
/// An e-mail address must look like one mail can reach: a dot-atom local part (RFC 5322: letters, digits and
/// <c>!#$%&amp;'*+/=?^_`{|}~-</c>, dots only between them) and a domain of at least two labels, the last alphabetic.
/// Identity's own check only wants an <c>@</c> that is neither first nor last, which let <c>a b@c.d</c>, <c>a@b</c>
/// and <c>&lt;img src=x onerror=alert(1)&gt;@example.com</c> register.
/// </summary>
public sealed partial class EmailAddressValidator : IUserValidator<FleetUser>
{
    public Task<IdentityResult> ValidateAsync(UserManager<FleetUser> manager, FleetUser user) =>
        Task.FromResult(user.Email is { Length: <= 254 } email && Shape().IsMatch(email)
            ? IdentityResult.Success
            : IdentityResult.Failed(new IdentityError
            {
                Code = "InvalidEmail",
                Description = "An e-mail address such as name@example.com: no spaces, no dots at either end of the name or twice in a row, and a domain with a dot.",
            }));

    [GeneratedRegex(@"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")]
    private static partial Regex Shape();
}
