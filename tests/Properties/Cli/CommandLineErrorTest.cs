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
    public void ASeedRangeThatDoesNotParse(string seeds, string mention) =>
        Should.Throw<UsageException>(() => Options.ParseLongList("--seeds", seeds, 0, long.MaxValue)).Message.ShouldContain(mention);

    [Test]
    public void ARangeParses() => Options.ParseLongList("--seeds", "1-3,7", 0, long.MaxValue).ShouldBe([1L, 2, 3, 7]);

    [TestCase("nan", "finite number")]
    [TestCase("0", "(0, ")]
    [TestCase("-1", "(0, ")]
    public void ALearningRateThatIsNotFiniteAndPositive(string value, string mention) =>
        Should.Throw<UsageException>(() => Options.ParseDouble("--lr", value, 0, 1000, exclusiveMin: true)).Message.ShouldContain(mention);

    /// <summary>Every option of `two-layer` is listed by `--help` with its default, and the defaults are the library's (the paper's).</summary>
    [Test]
    public void TwoLayerHelp_ListsEveryOptionWithItsDefault()
    {
        var run = VerifyProgram.Run("two-layer", "--help");

        run.ExitCode.ShouldBe(0, run.ToString());
        var paper = Verify.Model.Experiments.ExperimentScale.Paper.LShape;
        foreach (var (option, fallback) in new (string, object)[]
                 {
                     ("--d", paper.Base.D), ("--m", paper.Base.M), ("--multi", "1,2,5,10"), ("--decay", "0,1,2"), ("--seeds", "1-5"),
                     ("--epochs", paper.Base.Epochs), ("--iters-per-epoch", paper.Base.ItersPerEpoch), ("--batch", paper.Base.Batch),
                     ("--lr", "0.01"), ("--n-train", paper.Base.NTrain), ("--n-eval", paper.Base.NEval), ("--outputs", paper.Base.Outputs),
                     ("--activation", "relu"), ("--sweep-seed", 1), ("--out", "report/two-layer"), ("--workers", Environment.ProcessorCount),
                 })
            run.Stdout.Split('\n').ShouldContain(l => l.TrimStart().StartsWith(option + " ") && l.Contains($"[default: {fallback}]"),
                $"{option} with [default: {fallback}] in:\n{run.Stdout}");
        run.Stdout.ShouldContain("--device");
    }

    /// <summary>Every option of `multi-layer` is listed by `--help` with its default, and the defaults are the authors' yaml (config_multilayer.yaml).</summary>
    [Test]
    public void MultiLayerHelp_ListsEveryOptionWithTheAuthorsDefault()
    {
        var run = VerifyProgram.Run("multi-layer", "--help");

        run.ExitCode.ShouldBe(0, run.ToString());
        foreach (var (option, fallback) in new (string, object)[]
                 {
                     ("--d", 20), ("--ks", "50,75,100,125"), ("--node-multi", 10), ("--data-std", 10), ("--n-train", 2_000_000), ("--n-eval", 10_240),
                     ("--batch", 64), ("--epochs", 100), ("--lr", "0:0.2,20:0.1"), ("--seeds", 1), ("--out", "report/multi-layer"),
                     ("--workers", Environment.ProcessorCount),
                 })
            run.Stdout.Split('\n').ShouldContain(l => l.TrimStart().StartsWith(option + " ") && l.Contains($"[default: {fallback}]"),
                $"{option} with [default: {fallback}] in:\n{run.Stdout}");
        run.Stdout.ShouldContain("--device");
    }

    [TestCase("0:0.2,20:0.1", "0:0.2,20:0.1")]
    [TestCase("{0:0.2,20:0.1}", "0:0.2,20:0.1")]
    [TestCase(" 0 : 0.5 ", "0:0.5")]
    public void ALearningRateScheduleParses(string text, string printed) =>
        Options.ParseEpochRates("--lr", text, 1000).ToString().ShouldBe(printed);

    [TestCase("20:0.1", "from epoch 0 first")]
    [TestCase("0:0.2,20:0.1,10:0.05", "epochs must increase")]
    [TestCase("0:0.2,0:0.1", "epochs must increase")]
    [TestCase("0-0.2", "not an epoch:rate pair")]
    [TestCase("0:x", "finite number")]
    [TestCase("0:-0.1", "(0, 1000]")]
    [TestCase("-1:0.1", "must be >= 0")]
    [TestCase("", "at least one epoch:rate pair")]
    public void ALearningRateScheduleThatDoesNotParse(string text, string mention) =>
        Should.Throw<UsageException>(() => Options.ParseEpochRates("--lr", text, 1000)).Message.ShouldContain(mention);

    [Test]
    public void HelpOnAWord_IsHelpOnThatCommand()
    {
        var run = VerifyProgram.Run("help", "reproduce");
        run.ExitCode.ShouldBe(0, run.ToString());
        run.Stdout.ShouldContain("--scale <default|paper>");
    }

    /// <summary>An exception the program did not expect (here a library ArgumentException) is an internal error, not a usage error: exit 70, its type and message.</summary>
    [Test]
    public void AnUnexpectedException_IsAnInternalError_WithItsTypeAndMessage()
    {
        var broken = new System.CommandLine.Command("broken", "throws as a library bug would");
        broken.SetAction(new Func<System.CommandLine.ParseResult, int>(_ => throw new ArgumentOutOfRangeException("widths", "widths must be positive")));
        var saved = Console.Error;
        using var capture = new StringWriter();
        Console.SetError(capture);
        int code;
        try { code = Verify.Cli.Cli.Execute(["broken"], new System.CommandLine.RootCommand { broken }); }
        finally { Console.SetError(saved); }

        var run = new ProgramRun(code, "", capture.ToString());
        ShouldBeAClearError(run, 70, "internal error", "System.ArgumentOutOfRangeException", "widths must be positive");
    }
}
