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
        "best_corr_per_teacher", "first_covered_epoch", "grad_at_first_cover", "loss_at_first_cover", "best_corr_per_student", "student_fanout_norm", "max_sample_grad", "seconds",
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
            var first = root.GetProperty("first_covered_epoch").EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null).ToArray();
            foreach (var f in new[] { "grad_at_first_cover", "loss_at_first_cover" })
                root.GetProperty(f).EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null).ShouldBe(first, $"{f}: a number exactly where the teacher was covered, in {line}");
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

    static readonly string[] MultiLayerFields =
    [
        "seed", "d", "ks", "node_multi", "data_std", "n_train", "n_eval", "batch", "epochs", "lr", "lr_step_factor", "outputs", "outcome", "loss_ratio",
        "stall_fraction", "diverged_at_step", "last_finite_loss", "steps", "mean_best_corr_per_layer", "tau", "frac_above_tau_per_layer",
        "best_corr_per_teacher_node", "train_loss_initial", "train_loss", "eval_loss_initial", "eval_loss", "mean_best_corr_per_layer_per_epoch",
        "train_loss_per_epoch", "eval_loss_per_epoch", "seconds",
    ];

    [Test]
    public void MultiLayer_WritesOneObjectPerRun_WithEveryField_AndTheFigure()
    {
        var code = Verify.Cli.Cli.Execute(["multi-layer", "--d", "8", "--ks", "4,5", "--node-multi", "2", "--n-train", "200,300,500", "--seeds", "1-2",
            "--epochs", "2", "--n-eval", "256", "--batch", "32", "--workers", "1", "--out", dir]);

        code.ShouldBe(0);
        var lines = File.ReadAllLines(Path.Combine(dir, "runs.jsonl"));
        lines.Length.ShouldBe(3 * 2, "sizes x seeds");
        foreach (var line in lines)
        {
            line.ShouldNotContain("NaN");
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            foreach (var f in MultiLayerFields) root.TryGetProperty(f, out _).ShouldBeTrue($"field {f} missing in {line}");
            root.GetProperty("ks").EnumerateArray().Select(e => e.GetInt32()).ShouldBe([4, 5]);
            root.GetProperty("lr").GetProperty("0").GetDouble().ShouldBe(0.2);
            root.GetProperty("lr_step_factor").GetDouble().ShouldBe(0.02, 1e-15, "2 / 100 outputs");
            root.GetProperty("mean_best_corr_per_layer").GetArrayLength().ShouldBe(2);
            root.GetProperty("best_corr_per_teacher_node").EnumerateArray().Select(e => e.GetArrayLength()).ShouldBe([4, 5]);
            root.GetProperty("mean_best_corr_per_layer_per_epoch").GetArrayLength().ShouldBe(3, "before training and after each of 2 epochs");
            root.GetProperty("train_loss_per_epoch").GetArrayLength().ShouldBe(2);
            root.GetProperty("eval_loss_per_epoch").GetArrayLength().ShouldBe(3);
            root.GetProperty("outcome").GetString().ShouldBeOneOf("completed", "stalled");
            var n = root.GetProperty("n_train").GetInt32();
            root.GetProperty("steps").GetInt64().ShouldBe(2L * ((n + 31) / 32), "two passes, the last batch of each smaller");
        }
        File.Exists(Path.Combine(dir, "multi_layer_authors.png")).ShouldBeTrue();
    }

    /// <summary>A run that diverges is named on stderr; its line says so and holds null, never "NaN", where its numbers are not finite.</summary>
    [Test]
    public void MultiLayer_ADivergingRun_IsWrittenWithNullsAndItsStep()
    {
        // At rate 1000 the output bias alone swings by a factor 1 - 1000 x 2 / 100 = -19 a step: past float64's range within 320 steps.
        var (code, error) = RunCapturingErrors(["multi-layer", "--d", "8", "--ks", "4,5", "--node-multi", "2", "--n-train", "256", "--batch", "8", "--seeds", "1",
            "--epochs", "10", "--n-eval", "256", "--lr", "0:1000", "--workers", "1", "--out", dir]);

        code.ShouldBe(0, error);
        error.ShouldContain("run diverged at step ");
        var line = File.ReadAllLines(Path.Combine(dir, "runs.jsonl")).Single();
        line.ShouldNotContain("NaN");
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        root.GetProperty("outcome").GetString().ShouldBe("diverged");
        root.GetProperty("diverged_at_step").GetInt64().ShouldBeLessThan(320L, "it stops at the step, before the 10 passes of 32 batches end");
        root.GetProperty("steps").GetInt64().ShouldBe(root.GetProperty("diverged_at_step").GetInt64());
        double.IsFinite(root.GetProperty("last_finite_loss").GetDouble()).ShouldBeTrue();
        root.GetProperty("mean_best_corr_per_layer").EnumerateArray().ShouldAllBe(e => e.ValueKind == JsonValueKind.Null);
        root.GetProperty("train_loss").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [TestCase("--ks", "10,x", "--ks")]
    [TestCase("--ks", "10", "--ks needs at least two hidden layers")]
    [TestCase("--lr", "5:0.1", "--lr must give the rate from epoch 0 first")]
    [TestCase("--lr", "0:-1", "--lr")]
    [TestCase("--node-multi", "0", "--node-multi")]
    [TestCase("--data-std", "0", "--data-std")]
    [TestCase("--n-eval", "1", "--n-eval")]
    [TestCase("--n-train", "100,x", "--n-train")]
    [TestCase("--batch", "1000", "--batch must lie in 1..500 (the smallest --n-train)")]
    [TestCase("--d", "1", "--ks: Hidden layer 1 has 50 nodes")]
    [TestCase("--epochs", "0", "--epochs")]
    public void MultiLayer_RejectsABadKnob_NamingIt(string option, string value, string named)
    {
        var (code, error) = RunCapturingErrors(["multi-layer", "--n-train", "500,1000", option, value, "--out", dir]);

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
    [TestCase("multi-layer")]
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
