using System;
using B1Backup.Core.Drill;
using Xunit;

namespace B1Backup.Core.Tests
{
    [Trait("Category", "Unit")]
    public class DrillRedactionTests
    {
        [Theory]
        [InlineData("https://ops:hunter2@app.example/healthz?token=abc123&x=1", "https://***@app.example/healthz?token=***&x=***")]
        [InlineData("http://127.0.0.1:8080/readyz", "http://127.0.0.1:8080/readyz")]
        public void HealthEndpointsAreShownWithoutCredentialsOrQueryValues(string uri, string shown)
        {
            string redacted = RestoreDrill.Redacted(new Uri(uri));
            Assert.Equal(shown, redacted);
            Assert.DoesNotContain("hunter2", redacted);
            Assert.DoesNotContain("abc123", redacted);
        }
    }
}
