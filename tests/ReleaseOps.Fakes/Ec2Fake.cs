using Microsoft.AspNetCore.Builder;

namespace ReleaseOps.Fakes
{
    internal static class Ec2Fake
    {
        public static void Map(WebApplication app, FakeState state)
        {
        }
    }
}
