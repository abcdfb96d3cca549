using Fleet.ServiceDefaultsTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace Fleet.ServiceDefaultsTests.Caching;

[Collection(InfrastructureCollection.Name)]
public sealed class RedisClientTests(InfrastructureFixture infrastructure)
{
    [Fact]
    public async Task The_registered_multiplexer_talks_to_redis()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:redis"] = infrastructure.RedisConnectionString;
        builder.AddRedisClient("redis");
        using var host = builder.Build();
        var redis = host.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var key = $"sd-test:{Guid.NewGuid():N}";

        await redis.StringSetAsync(key, "value", TimeSpan.FromMinutes(1));

        ((string?)await redis.StringGetAsync(key)).Should().Be("value");
        (await redis.KeyTimeToLiveAsync(key)).Should().BeCloseTo(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(5));
    }
}
