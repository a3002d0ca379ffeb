using System.Globalization;
using Verify.Benchmarks;

namespace Verify.Cli;

/// <summary>`verify bench [--json FILE] [--scale S] [--repeats R]`: training speed on this machine (run with -c Release).</summary>
static class Bench
{
    /// <summary>Options are declared and checked in Program.cs (BenchCommand).</summary>
    public static int Run(string? json, double scale, int repeats)
    {
        if (json is not null)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(json));
            if (directory is not null && !Directory.Exists(directory))
                throw new IOException($"--json: directory '{directory}' does not exist.");
        }
#if DEBUG
        Console.Error.WriteLine("verify bench: warning: this is a Debug build; run `dotnet run -c Release --project src/Cli -- bench` for figures worth quoting.");
#endif
        var report = BenchReport.Measure(scale, repeats, what => Console.Error.WriteLine($"  {what} ..."));
        Print(report);
        if (json is not null)
        {
            File.WriteAllText(json, report.ToJson() + Environment.NewLine);
            Console.WriteLine($"written to {json}");
        }
        return 0;
    }

    static void Print(BenchReport r)
    {
        static string F(double v) => v.ToString(v >= 100 ? "N0" : "0.00", CultureInfo.InvariantCulture);
        Console.WriteLine($"machine                                   {r.Machine}, {r.Processors} processors, TorchSharp {r.TorchSharpVersion}");
        Console.WriteLine($"mkl kernels chosen                        {r.MklDispatch}");
        Console.WriteLine($"batched products                          {r.BatchedProducts}");
        Console.WriteLine($"paper configuration                       {BenchConfig.Paper} ({F(r.FlopsPerStep / 1e6)} MFLOP per step; {BenchReport.PaperStepsPerTrial:N0} steps per trial, alone or stacked, in every figure compared below, small {BenchReport.SmallStepsPerTrial:N0})");
        Console.WriteLine(r.ReferenceMeasured
            ? $"reference_pytorch_steps_per_second        {F(r.ReferencePytorchStepsPerSecond)}  (the authors' step, {r.ReferenceSource})"
            : $"reference_pytorch_steps_per_second        {F(r.ReferencePytorchStepsPerSecond)}  ({r.ReferenceSource})");
        Console.WriteLine($"single_trial_steps_per_second             {F(r.SingleTrialStepsPerSecond)}  ({F(r.SingleVsReference)}x reference{(r.ReferenceMeasured ? " measured in this run" : " (cited)")}; target 2x; {F(r.SingleTrialGflops)} GFLOP/s = {r.SingleTrialGflops / r.GemmGflops:P0} of the 1-thread GEMM)");
        Console.WriteLine($"  per CPU second                          {F(r.SingleTrialCpuStepsPerSecond)}  (reference {F(r.ReferencePytorchCpuStepsPerSecond)}: {F(r.SingleVsReferenceCpu)}x)");
        Console.WriteLine($"batched_trials                            {r.BatchedTrials}");
        Console.WriteLine($"batched_trial_steps_per_second            {F(r.BatchedTrialStepsPerSecond)}  ({F(r.BatchedVsSingle)}x single; target 2x)");
        Console.WriteLine($"  per CPU second                          {F(r.BatchedTrialCpuStepsPerSecond)}  ({F(r.BatchedVsSingleCpu)}x single)");
        Console.WriteLine($"small_single_trial_steps_per_second       {F(r.SmallSingleTrialStepsPerSecond)}  ({BenchConfig.Small})");
        Console.WriteLine($"  per CPU second                          {F(r.SmallSingleTrialCpuStepsPerSecond)}");
        Console.WriteLine($"small_batched_trial_steps_per_second      {F(r.SmallBatchedTrialStepsPerSecond)}  ({F(r.SmallBatchedVsSingle)}x single; target 4x)");
        Console.WriteLine($"  per CPU second                          {F(r.SmallBatchedTrialCpuStepsPerSecond)}  ({F(r.SmallBatchedVsSingleCpu)}x single)");
        Console.WriteLine($"shared_batched_trial_steps_per_second     {F(r.SharedBatchedTrialStepsPerSecond)}  (32 trials sharing inputs and batches, one wide first-layer product; {F(r.SharedBatchedVsSingle)}x single; target 2x; any stack at most {F(r.CeilingVsSingle)}x, at the 1-thread GEMM ceiling)");
        Console.WriteLine($"  per CPU second                          {F(r.SharedBatchedTrialCpuStepsPerSecond)}  ({F(r.SharedBatchedVsSingleCpu)}x single)");
        Console.WriteLine($"small_shared_batched_trial_steps_per_second {F(r.SmallSharedBatchedTrialStepsPerSecond)}  ({F(r.SmallSharedBatchedVsSingle)}x small single; target 4x; any stack at most {F(r.SmallCeilingVsSingle)}x)");
        Console.WriteLine($"  per CPU second                          {F(r.SmallSharedBatchedTrialCpuStepsPerSecond)}  ({F(r.SmallSharedBatchedVsSingleCpu)}x small single)");
        Console.WriteLine($"seed_group_trial_steps_per_second         {F(r.SeedGroupTrialStepsPerSecond)}  (the 12 runs of one paper sweep seed, multi 1,2,5,10 x p 0,1,2, as the sweep trains them; {F(r.SeedGroupVsSeparate)}x the same 12 with separate batch seeds)");
        Console.WriteLine($"  per CPU second                          {F(r.SeedGroupTrialCpuStepsPerSecond)}  ({F(r.SeedGroupVsSeparateCpu)}x separate; {F(r.SeedGroupCpuGflops)} GFLOP/s = {r.SeedGroupCpuShareOfGemm:P0} of the 1-thread GEMM)");
        Console.WriteLine($"seed_group_separate_trial_steps_per_second {F(r.SeedGroupSeparateTrialStepsPerSecond)}  (per CPU second {F(r.SeedGroupSeparateTrialCpuStepsPerSecond)})");
        Console.WriteLine($"sweep_seed_group_trial_steps_per_second   {F(r.SweepSeedGroupTrialStepsPerSecond)}  ({r.SweepWorkers} workers, one seed group each: {F(r.SweepGflops)} GFLOP/s = {r.SweepShareOfGemmCeiling:P0} of the all-core GEMM ceiling; target 40 %)");
        Console.WriteLine($"sweep_trial_steps_per_second              {F(r.SweepTrialStepsPerSecond)}  ({r.SweepWorkers} workers; {F(r.SweepVsSingle)}x single; target 1.7x on 2 cores)");
        Console.WriteLine($"sweep_batched_trial_steps_per_second      {F(r.SweepBatchedTrialStepsPerSecond)}");
        Console.WriteLine($"achieved_gflops                           {F(r.AchievedGflops)}  (batched; single trial {F(r.SingleTrialGflops)})");
        Console.WriteLine($"gemm_gflops                               {F(r.GemmGflops)}  (1024 x 1024 float64, 1 thread; all cores {F(r.GemmGflopsAllCores)})");
        Console.WriteLine($"epoch_measure_ms (N = 10,000)             {F(r.EpochMeasureMsOneThread)} on 1 thread, {F(r.EpochMeasureMsAllCores)} on all cores");
        Console.WriteLine($"epoch_evaluation_ms                       {F(r.EpochEvaluationMs)}  (per run and epoch, a paper-size sweep seed's 12 runs evaluated together as the sweep does: eval loss, correlations and coverage on 10,000 eval points, 1 thread, CPU ms)");
        Console.WriteLine($"epoch_evaluation_ms_alone                 {F(r.EpochEvaluationMsAlone)}  (one run, multi 5, evaluated alone)");
        Console.WriteLine($"deep_seconds_per_conclusive_case          {F(r.DeepSecondsPerConclusiveCase)}  (claim 1 at depth: {r.DeepCases} three-layer cases trained, finished and judged on one thread, {F(r.DeepSecondsPerCase)} s each; deep_conclusive_fraction {F(r.DeepConclusiveFraction)})");
        Console.WriteLine($"peak_working_set_mb                       {F(r.PeakWorkingSetMb)}  (libtorch loaded, before measuring: {F(r.BaselineWorkingSetMb)})");
        Console.WriteLine($"live_tensors_before / after               {r.LiveTensorsBefore} / {r.LiveTensorsAfter}");
        Console.WriteLine($"load_average_before / after               {F(r.LoadAverageBefore)} / {F(r.LoadAverageAfter)}  (1 minute; {r.Processors} processors)");
    }
}
