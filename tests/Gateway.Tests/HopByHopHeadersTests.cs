using Fleet.Gateway.Proxy;

namespace Fleet.Gateway.Tests;

public sealed class HopByHopHeadersTests
{
    [Theory]
    [InlineData("Keep-Alive", "", true)]
    [InlineData("transfer-encoding", "", true)]
    [InlineData("X-Custom", "close, X-Custom", true)]
    [InlineData("x-custom", "X-Other ,  X-CUSTOM ", true)]
    [InlineData("X-Custom", "close", false)]
    [InlineData("X-Custom-Longer", "X-Custom", false)]
    [InlineData("Content-Type", "", false)]
    public void Knows_fixed_and_Connection_listed_headers(string name, string connection, bool expected) =>
        HopByHopHeaders.IsHopByHop(name, connection).Should().Be(expected);
}
