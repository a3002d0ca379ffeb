using System.Diagnostics;
using Verify.Model.Analysis;
using Verify.Model.Data;
using Verify.Model.Evidence;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.Model.Experiments;

/// <summary>Runs one two-layer configuration: build teacher and data, train, analyse every epoch.</summary>
public static class TwoLayerExperiment
{
    /// <summary>Standard deviation of the Gaussian inputs, 1.5 in the paper's code; teacher-aware points are rescaled to norm 1.5 sqrt(d).</summary>
    public const double DataStd = 1.5;

    /// <summary>One run of <paramref name="config"/>; the student is trained from scratch.</summary>
    public static TwoLayerRun Run(TwoLayerConfig config) => Run(config, null);

    /// <summary>
    /// One run on given inputs (e.g. real images) instead of generated ones: <paramref name="inputs"/>
    /// holds the training inputs (N_train, d) and eval inputs (N_eval, d); they are only read, so runs
    /// on several threads may share them. The config's d, N_train and N_eval must match their shapes.
    /// </summary>
    public static TwoLayerRun Run(TwoLayerConfig config, ProvidedInputs? inputs)
    {
        using var scope = NewDisposeScope();
        using var run = new PreparedRun(config, inputs);
        using var evaluation = run.Evaluation();
        return run.Finish(SgdTrainer.Train(run.Student, run.Train, run.Options, run.TrainSeed,
            e => WorkClock.Time(EvaluationWork, 1, () => run.Record(e, evaluation.Evaluate([(run.Student, run.Eval.Targets)])[0]))));
    }

    /// <summary>
    /// The name under which the per-epoch evaluations are timed (<see cref="WorkClock"/>), in
    /// run-epochs evaluated: `bench` reads the difference over its own runs (workers: 1, so they run
    /// on its thread).
    /// </summary>
    public const string EvaluationWork = "two-layer evaluation";

    /// <summary>
    /// Runs trained together by <see cref="SgdTrainer"/>: runs of one shape (<see cref="ShapeKey"/>)
    /// are stacked, and runs that share their training inputs and batch sequence (one seed, see
    /// <see cref="TwoLayerConfig"/>) train in one kernel whatever their widths, with one wide
    /// first-layer product. After every epoch the runs that share their evaluation inputs and teacher
    /// hidden layer (again one seed) are evaluated together, by one wide product
    /// (<see cref="TwoLayerEvaluation"/>). Each run sees the batches it would see alone, and its numbers
    /// equal a solo run's to float64 round-off.
    /// </summary>
    public static TwoLayerRun[] RunBatched(IReadOnlyList<TwoLayerConfig> configs)
    {
        if (configs.Count == 1) return [Run(configs[0])];
        using var scope = NewDisposeScope();
        var runs = new List<PreparedRun>();
        var evaluations = new List<TwoLayerEvaluation>();
        try
        {
            using (Phases.Time("prepare"))
                foreach (var c in configs) runs.Add(new PreparedRun(c, null));
            int[] evalGroup;
            using (Phases.Time("evaluation-groups"))
            {
                evalGroup = TwoLayerEvaluation.Groups(runs.Select(r => (r.Eval, r.TeacherEval, r.Student.Activation)).ToArray());
                for (var g = 0; g <= evalGroup.Max(); g++) evaluations.Add(runs[Array.IndexOf(evalGroup, g)].Evaluation());
            }
            var epochs = new EpochRecord[runs.Count];
            var results = SgdTrainer.Train(runs.Select(r => new Trial(r.Student, r.Train, r.Options, r.TrainSeed)).ToArray(),
                (i, e) => epochs[i] = e,
                ended =>
                {
                    using var phase = Phases.Time("evaluate");
                    foreach (var group in ended.GroupBy(i => evalGroup[i]))
                        WorkClock.Time(EvaluationWork, group.Count(), () =>
                        {
                            var members = group.ToArray();
                            var numbers = evaluations[group.Key].Evaluate(members.Select(i => (runs[i].Student, runs[i].Eval.Targets)).ToArray());
                            for (var k = 0; k < members.Length; k++) runs[members[k]].Record(epochs[members[k]], numbers[k]);
                        });
                });
            using (Phases.Time("finish"))
                return runs.Select((r, i) => r.Finish(results[i])).ToArray();
        }
        finally
        {
            foreach (var e in evaluations) e.Dispose();
            foreach (var r in runs) r.Dispose();
        }
    }

    /// <summary>The seeds of a run's random streams, each named from the config's seed (the student also by multi): see <see cref="TwoLayerConfig"/> for what runs of one seed share.</summary>
    public static RunStreams Streams(TwoLayerConfig c) => new(
        Seeds.Of(c.Seed, "teacher"), Seeds.Of(c.Seed, "train-inputs"), Seeds.Of(c.Seed, "eval-inputs"),
        Seeds.Of(c.Seed, "student", c.Multi), Seeds.Of(c.Seed, "batches"), Seeds.Of(c.Seed, "other-teacher"));

    /// <summary>What runs must share to be stacked on one another (runs of one seed train together whatever their shape: <see cref="SeedBatches.SeedKey"/>).</summary>
    public static string ShapeKey(TwoLayerConfig c) =>
        FormattableString.Invariant($"{c.D}|{c.N}|{c.Outputs}|{c.Activation}|{c.Batch}|{c.ItersPerEpoch}|{c.NTrain}");

    internal static Dataset TrainingSet(RectifiedNetwork teacher, TeacherSpec spec, TwoLayerConfig config)
    {
        var options = new TeacherAwareOptions(RescaleNorm: DataStd * Math.Sqrt(config.D));
        switch (config.TrainData)
        {
            case TrainingData.TeacherAware:
                return TeacherAware.Dataset(teacher, config.NTrain, Streams(config).TrainInputs, options);
            case TrainingData.TeacherAwareOfAnotherTeacher:
                using (var other = Teacher.Build(spec, Streams(config).OtherTeacher))
                using (var points = TeacherAware.Inputs(other, config.NTrain, Streams(config).TrainInputs, options))
                    return Dataset.Label(teacher, points.Inputs);
            default:
                return Dataset.Gaussian(teacher, config.NTrain, Streams(config).TrainInputs, DataStd);
        }
    }

    /// <summary>
    /// Every configuration on all cores, results in input order. The runs of one seed
    /// (<see cref="SeedBatches.SeedKey"/>) train together (<see cref="RunBatched"/>): their first-layer products
    /// and their evaluations are wide products over all of them. Each seed's runs are split into
    /// batches of whole shapes (all runs of one student width together, at most
    /// <see cref="SeedBatches.BatchedRuns"/> of them), at least two batches where there are two shapes, so
    /// that two workers get equal shares whatever the number of seeds, balanced by width (largest
    /// first, each to the lightest batch). The split is fixed by the configurations, never by the
    /// worker count; the batches spread over the workers.
    /// </summary>
    public static TwoLayerRun[] RunAll(IReadOnlyList<TwoLayerConfig> configs, int? workers = null, Action<int, int>? onProgress = null)
    {
        var chunks = SeedBatches.Of(configs);
        var done = 0;
        var results = new TwoLayerRun[configs.Count];
        TrialRunner.RunAll(chunks, chunk =>
        {
            TwoLayerRun[] runs;
            using (Phases.Time("seed-batch"))
                runs = RunBatched(chunk.Select(x => x.Config).ToArray());
            for (var k = 0; k < chunk.Length; k++) results[chunk[k].Index] = runs[k];
            onProgress?.Invoke(Interlocked.Add(ref done, chunk.Length), configs.Count);
            return chunk.Length;
        }, workers);
        return results;
    }
}
