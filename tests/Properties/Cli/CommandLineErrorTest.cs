using NUnit.Framework;
using Shouldly;
using Verify.Cli;
using Verify.TestSupport;

namespace Verify.Properties.Cli;

/// <summary>
/// The `verify` program answers bad input with one line that names the problem, a non-zero exit
/// code and no stack trace.
/// </summary>
[TestFixture]
public sealed class CommandLineErrorTest
{
    static void ShouldBeAClearError(ProgramRun run, int exitCode, params string[] mentions)
    {
        run.ExitCode.ShouldBe(exitCode, run.ToString());
        run.Stderr.ShouldStartWith("verify: error: ", Case.Sensitive, run.ToString());
        run.Stderr.ShouldNotContain("   at ", Case.Sensitive, "no stack trace");
        foreach (var m in mentions) run.Stderr.ShouldContain(m, Case.Insensitive, run.ToString());
    }

    [Test]
    public void AnUnknownCommand() => ShouldBeAClearError(VerifyProgram.Run("frobnicate"), 2, "unknown command 'frobnicate'");

    [Test]
    public void AnUnknownOption() => ShouldBeAClearError(VerifyProgram.Run("info", "--colour", "red"), 2, "unknown option --colour");

    [Test]
    public void AnUnknownDevice() => ShouldBeAClearError(VerifyProgram.Run("info", "--device", "tpu"), 2, "unknown device 'tpu'");

    [Test]
    public void CudaAskedForWhereThereIsNone()
    {
        if (Verify.Model.Runtime.TorchRuntime.CudaAvailable) Assert.Ignore("a CUDA device is present here");
        ShouldBeAClearError(VerifyProgram.Run("info", "--device", "cuda"), 2, "no CUDA device");
    }

    [Test]
    public void InfoRunsAndNamesItsDevice()
    {
        var run = VerifyProgram.Run("info");
        run.ExitCode.ShouldBe(0, run.ToString());
        run.Stdout.ShouldContain("device            cpu");
    }

    [TestCase("5-1", "not a range")]
    [TestCase("1,x", "'x' is not a whole number")]
    [TestCase("1-", "not a range")]
    [TestCase("", "needs at least one value")]
    public void ASeedRangeThatDoesNotParse(string seeds, string mention)
    {
        var line = new CommandLine(["two-layer", "--seeds", seeds]);
        Should.Throw<UsageException>(() => line.IntList("--seeds", [1], min: 0)).Message.ShouldContain(mention);
    }

    [Test]
    public void ARangeParses() => new CommandLine(["x", "--seeds", "1-3,7"]).IntList("--seeds", [], min: 0).ShouldBe([1, 2, 3, 7]);

    [TestCase("--lr", "nan", "finite number")]
    [TestCase("--lr", "0", "(0, ")]
    [TestCase("--lr", "-1", "(0, ")]
    public void ALearningRateThatIsNotFiniteAndPositive(string option, string value, string mention)
    {
        var line = new CommandLine(["two-layer", option, value]);
        Should.Throw<UsageException>(() => line.Double(option, 0.01, min: 0, exclusiveMin: true)).Message.ShouldContain(mention);
    }
}
