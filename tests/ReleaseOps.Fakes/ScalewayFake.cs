using Microsoft.AspNetCore.Builder;

namespace ReleaseOps.Fakes
{
    internal static class ScalewayFake
    {
        public static void Map(WebApplication app, FakeState state)
        {
        }
    }
}
