using System.Security.Cryptography;
using System.Text;

namespace Fleet.SchedulerService.Catalogue;

/// <summary>
/// A plan's id: a name-based UUID (version 5, RFC 9562 §5.5) of <c>{base_plan_id}:{plan_id}</c> in Fleet's own
/// namespace, the same on every machine and after every restart. .NET makes only random and time-ordered UUIDs.
/// </summary>
public static class PlanId
{
    private static readonly Guid Namespace = new("6f1c1d4e-3b1a-4f55-9d0e-2a7c4e8b9f10");

    public static Guid For(long basePlanId, long planId)
    {
        Span<byte> name = stackalloc byte[16 + 41];
        Namespace.TryWriteBytes(name, bigEndian: true, out _);
        var length = 16 + Encoding.ASCII.GetBytes($"{basePlanId}:{planId}", name[16..]);

        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(name[..length], hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // version 5
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(hash[..16], bigEndian: true);
    }
}
