using NUnit.Framework;
using Shouldly;
using TorchSharp;
using Verify.Model.Training;
using Verify.TestSupport;
using static TorchSharp.torch;

namespace Verify.Properties.Training;

/// <summary>
/// Trials spread over the cores give, in input order, exactly the results they give one after
/// another, and each runs on one libtorch intra-op thread whatever the caller's count.
/// </summary>
[TestFixture]
public sealed class TrialRunnerTest
{
    static readonly long[] Seeds = [21, 22, 23, 24];

    static double FinalLoss(long seed)
    {
        using var scope = NewDisposeScope();
        using var pair = Pair.Build(d: 8, teacherWidths: [3], multi: 2, samples: 128, seed: seed);
        return SgdTrainer.Train(pair.Student, pair.Data, new SgdOptions { LearningRate = 0.05, Epochs = 2, ItersPerEpoch = 100 }, seed).FinalTrainLoss;
    }

    [Test]
    public void ParallelTrials_GiveTheSerialResults_InInputOrder()
    {
        var serial = TrialRunner.RunAll(Seeds, FinalLoss, workers: 1);
        var parallel = TrialRunner.RunAll(Seeds, FinalLoss, workers: 2);
        parallel.ShouldBe(serial, $"seeds {string.Join(", ", Seeds)}: serial {string.Join(", ", serial)}, parallel {string.Join(", ", parallel)}");
        serial.Distinct().Count().ShouldBe(Seeds.Length, "different seeds must give different losses, or the order check above proves nothing");
    }

    [Test]
    public void EachWorker_RunsOnOneIntraOpThread_AndTheCallersCountIsRestored()
    {
        var before = torch.get_num_threads();
        var seen = IntraOpThreads.With(2, () =>
            TrialRunner.RunAll(Seeds, _ => (Threads: torch.get_num_threads(), Worker: IntraOpThreads.InWorker), workers: 2));
        seen.ShouldAllBe(s => s.Threads == 1 && s.Worker, $"inside workers: {string.Join(", ", seen)}");
        torch.get_num_threads().ShouldBe(before);
        IntraOpThreads.InWorker.ShouldBeFalse("the calling thread is not a worker after RunAll returns");
    }
}
