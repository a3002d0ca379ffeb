using System.Diagnostics;
using NUnit.Framework;
using Shouldly;
using TorchSharp;
using Verify.Model.Runtime;
using Verify.Model.Training;
using Verify.TestSupport;
using static TorchSharp.torch;

namespace Verify.Properties.Training;

/// <summary>
/// Training leaks nothing: 100,000 SGD steps (single-trial, and batched trial-steps) leave
/// TorchSharp's live-tensor count (DisposeScopeManager statistics, exact since 0.104) where it
/// started, and the process working set within a fixed bound.
/// </summary>
[TestFixture]
public sealed class MemoryFlatTest
{
    const long Steps = 100_000;

    /// <summary>Growth of the working set allowed over the run: a leak of one 16x10 float64 tensor per step would be 128 MB.</summary>
    const double WorkingSetGrowthMb = 64;

    /// <param name="trials">Trials trained together.</param>
    /// <param name="sharedInputs">The trials share one dataset and batch seed and have three widths: one shared-input kernel (one wide first-layer product).</param>
    [TestCase(1, false)]
    [TestCase(10, false)]
    [TestCase(10, true)]
    public void HundredThousandSteps_LeaveTheLiveTensorCountWhereItStarted(int trials, bool sharedInputs)
    {
        using var scope = NewDisposeScope();
        var pairs = Enumerable.Range(0, trials).Select(i => Pair.Build(d: 10, teacherWidths: [3], multi: sharedInputs ? 1 + i % 3 : 3, samples: 256, seed: Seeds.Of(100, "trial", i), outputs: 4)).ToArray();
        if (sharedInputs)
        {
            foreach (var p in pairs.Skip(1)) p.Data.Dispose();
            pairs = pairs.Select(p => p with { Data = pairs[0].Data, Seed = pairs[0].Seed }).ToArray();
        }
        var options = new SgdOptions { LearningRate = 0.05, Epochs = 10, ItersPerEpoch = (int)(Steps / trials / 10) };
        Warm(pairs, options);

        GC.Collect();
        var liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var workingSetBefore = WorkingSetMb();
        var results = Train(pairs, options);
        GC.Collect();
        var liveAfter = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var growth = WorkingSetMb() - workingSetBefore;

        results.Sum(r => r.Steps).ShouldBe(Steps, $"{trials} trial(s): {string.Join("; ", results.Select(r => r.ToString()))}");
        liveAfter.ShouldBe(liveBefore, $"{trials} trial(s), {Steps} steps: live tensors before {liveBefore}, after {liveAfter}");
        growth.ShouldBeLessThan(WorkingSetGrowthMb, $"{trials} trial(s), {Steps} steps: working set grew {growth:F1} MB");
        foreach (var p in pairs)
        {
            p.Teacher.Dispose();
            p.Student.Dispose();
        }
        foreach (var data in pairs.Select(p => p.Data).Distinct()) data.Dispose();
    }

    /// <summary>Negative control: the statistic does see tensors that are created and not disposed.</summary>
    [Test]
    public void TheLiveTensorCount_SeesTensorsLeftUndisposed()
    {
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var leaked = Enumerable.Range(0, 10).Select(_ => zeros(3)).ToArray();
        (DisposeScopeManager.Statistics.ThreadTotalLiveCount - before).ShouldBe(10L);
        foreach (var t in leaked) t.Dispose();
        DisposeScopeManager.Statistics.ThreadTotalLiveCount.ShouldBe(before);
    }

    static TrainingResult[] Train(Pair[] pairs, SgdOptions options) =>
        SgdTrainer.Train(pairs.Select(p => new Trial(p.Student, p.Data, options, p.Seed)).ToArray());

    /// <summary>A short run first, so one-time allocations (libtorch's thread pool, JIT) are not counted as growth.</summary>
    static void Warm(Pair[] pairs, SgdOptions options)
    {
        using var scope = NewDisposeScope();
        var clones = pairs.Select(p => p with { Student = p.Student.Clone() }).ToArray();
        Train(clones, options with { Epochs = 1, ItersPerEpoch = 200 });
        foreach (var c in clones) c.Student.Dispose();
    }

    static double WorkingSetMb()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 / 1048576.0;
    }
}
