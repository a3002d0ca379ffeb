using NUnit.Framework;
using Verify.TestSupport;
using Verify.Conjectures;

/// <summary>
/// Prints the run seed at the top of the test output: the training-based properties draw their
/// cases from it, and <c>VERIFY_SEED=&lt;seed&gt;</c> replays the run exactly. (No namespace: an
/// NUnit set-up fixture outside any namespace runs once for the whole assembly.)
/// </summary>
[SetUpFixture]
#pragma warning disable CA1050 // outside any namespace on purpose: see the summary
public sealed class RunSeedBanner
{
    [OneTimeSetUp]
    public void PrintRunSeed() =>
        TestContext.Progress.WriteLine($"Verify.Properties: run seed {RunSeed.Value}; cases are drawn from it ({RunSeed.Replay} dotnet test replays this run).");
}
