using System.Text.Json;
using NUnit.Framework;
using Shouldly;

namespace Verify.Experiments.Cli;

/// <summary>
/// The `verify` commands of the experiments: `two-layer` writes one JSON object per run with the
/// issue's fields; bad knobs end with a usage error (exit 2) that names the option.
/// </summary>
[TestFixture]
public sealed class CommandTest
{
    string dir = "";

    [SetUp]
    public void CreateFolder() => dir = Directory.CreateTempSubdirectory("verify-cli-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(dir, recursive: true);

    static readonly string[] Fields =
    [
        "seed", "d", "m", "multi", "n", "decay", "epochs", "iters_per_epoch", "batch", "lr", "n_train", "train_loss", "eval_loss",
        "best_corr_per_teacher", "first_covered_epoch", "best_corr_per_student", "student_fanout_norm", "max_sample_grad", "seconds",
    ];

    [Test]
    public void TwoLayer_WritesOneObjectPerRun_WithEveryField()
    {
        var code = Verify.Cli.Cli.Execute(["two-layer", "--d", "8", "--m", "3", "--multi", "1,2", "--decay", "0,1", "--seeds", "1-2",
            "--epochs", "2", "--iters-per-epoch", "30", "--n-train", "64", "--n-eval", "50", "--workers", "1", "--out", dir]);

        code.ShouldBe(0);
        var lines = File.ReadAllLines(Path.Combine(dir, "runs.jsonl"));
        lines.Length.ShouldBe(2 * 2 * 2, "multi x decay x seeds");
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            foreach (var f in Fields) root.TryGetProperty(f, out _).ShouldBeTrue($"field {f} missing in {line}");
            var n = root.GetProperty("n").GetInt32();
            n.ShouldBe(3 * root.GetProperty("multi").GetInt32());
            root.GetProperty("best_corr_per_teacher").GetArrayLength().ShouldBe(3);
            root.GetProperty("first_covered_epoch").GetArrayLength().ShouldBe(3);
            root.GetProperty("best_corr_per_student").GetArrayLength().ShouldBe(n);
            root.GetProperty("student_fanout_norm").GetArrayLength().ShouldBe(n);
            root.GetProperty("first_covered_epoch").EnumerateArray()
                .ShouldAllBe(e => e.ValueKind == JsonValueKind.Null || (e.GetInt32() >= 1 && e.GetInt32() <= 2));
        }
    }

    [TestCase("--batch", "0", "--batch")]
    [TestCase("--batch", "100000", "--batch")]
    [TestCase("--multi", "1,x", "--multi")]
    [TestCase("--seeds", "5-1", "--seeds")]
    [TestCase("--lr", "-0.1", "--lr")]
    [TestCase("--decay", "nan", "--decay")]
    [TestCase("--activation", "tanh", "--activation")]
    [TestCase("--epoch", "3", "--epoch")]
    public void TwoLayer_RejectsABadKnob_NamingIt(string option, string value, string named)
    {
        var (code, error) = RunCapturingErrors(["two-layer", option, value, "--out", dir]);

        code.ShouldBe(2, error);
        error.ShouldContain(named);
        File.Exists(Path.Combine(dir, "runs.jsonl")).ShouldBeFalse("nothing runs after a usage error");
    }

    [TestCase("--scale", "huge", "--scale")]
    [TestCase("--only", "everything", "--only")]
    [TestCase("--cifar10", "/nonexistent/cifar", "--cifar10")]
    public void Reproduce_RejectsABadOption_NamingIt(string option, string value, string named)
    {
        var (code, error) = RunCapturingErrors(["reproduce", option, value, "--out", dir]);

        code.ShouldBe(2, error);
        error.ShouldContain(named);
    }

    /// <summary>A run that diverges stops at once; the command names the step and the last finite loss, and runs.jsonl keeps them.</summary>
    [Test]
    public void ADivergingRun_IsReportedWithItsStepAndLastFiniteLoss()
    {
        var (code, error) = RunCapturingErrors(["two-layer", "--d", "10", "--m", "3", "--multi", "2", "--decay", "0", "--seeds", "1",
            "--epochs", "2", "--iters-per-epoch", "100", "--n-train", "100", "--n-eval", "100", "--lr", "500", "--workers", "1", "--out", dir]);

        code.ShouldBe(0, error);
        error.ShouldContain("run diverged at step ");
        error.ShouldContain("last finite loss ");
        using var json = JsonDocument.Parse(File.ReadAllLines(Path.Combine(dir, "runs.jsonl")).Single());
        json.RootElement.GetProperty("outcome").GetString().ShouldBe("Diverged");
        json.RootElement.GetProperty("diverged_at_step").GetInt64().ShouldBeLessThan(100L, "it stops within the first epoch");
        double.IsFinite(json.RootElement.GetProperty("last_finite_loss").GetDouble()).ShouldBeTrue();
    }

    /// <summary>An output folder that cannot be created (its parent is a file) stops the command before any run, naming the folder.</summary>
    [TestCase("two-layer")]
    [TestCase("reproduce")]
    public void AnOutputFolderThatCannotBeWritten_IsNamedBeforeAnyWork(string command)
    {
        var blocker = Path.Combine(dir, "a-file");
        File.WriteAllText(blocker, "");
        var target = Path.Combine(blocker, "out");

        var (code, error) = RunCapturingErrors([command, "--out", target]);

        code.ShouldBe(4, error);
        error.ShouldContain($"--out: cannot write to folder '{target}'");
    }

    /// <summary>Without --cifar10 the report still has the CIFAR-10 row, inconclusive, saying why.</summary>
    [Test]
    public void Reproduce_WithoutCifarData_SaysWhyTheExperimentIsSkipped()
    {
        var code = Verify.Cli.Cli.Execute(["reproduce", "--only", "cifar10", "--out", dir]);

        code.ShouldBe(0);
        var report = File.ReadAllText(Path.Combine(dir, "report.md"));
        report.ShouldContain("**inconclusive** (skipped: no CIFAR-10 data was given.");
        report.ShouldContain("--cifar10");
        report.ShouldContain("## Known findings", customMessage: "the known findings have a section of their own, whatever was run");
        foreach (var finding in Verify.Model.Claims.KnownFindings.All)
            report.ShouldContain($"**`{finding.Name}`**");
    }

    [Test]
    public void Reproduce_WithAMalformedCifarFile_FailsNamingTheFile()
    {
        var cifar = Directory.CreateDirectory(Path.Combine(dir, "cifar")).FullName;
        File.WriteAllBytes(Path.Combine(cifar, "data_batch_1.bin"), new byte[3073 * 2 + 1]);
        File.WriteAllBytes(Path.Combine(cifar, "test_batch.bin"), new byte[3073]);

        var (code, error) = RunCapturingErrors(["reproduce", "--only", "cifar10", "--cifar10", cifar, "--out", Path.Combine(dir, "out")]);

        code.ShouldBe(4, error);
        error.ShouldContain("data_batch_1.bin");
        error.ShouldContain("not a CIFAR-10 binary batch");
    }

    static (int Code, string Error) RunCapturingErrors(string[] args)
    {
        var saved = Console.Error;
        using var capture = new StringWriter();
        Console.SetError(capture);
        try { return (Verify.Cli.Cli.Execute(args), capture.ToString()); }
        finally { Console.SetError(saved); }
    }
}
