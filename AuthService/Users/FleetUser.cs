using Microsoft.AspNetCore.Identity;

namespace Fleet.AuthService.Users;

public sealed class FleetUser : IdentityUser<Guid>
{
    public DateTimeOffset CreatedAt { get; set; }
}
