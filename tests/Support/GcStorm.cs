namespace Verify.TestSupport;

/// <summary>
/// A background thread that forces full, blocking garbage collections and runs pending finalizers
/// in a loop until disposed. Any TorchSharp handle that is unreachable while libtorch still reads it
/// (the hazard <c>ImplicitScalarTest</c> guards against) is freed by the finalizer thread at once
/// instead of at some later, rare collection.
/// </summary>
public sealed class GcStorm : IDisposable
{
    readonly Thread thread;
    volatile bool stopping;
    int collections;

    public GcStorm()
    {
        thread = new Thread(Loop) { IsBackground = true, Name = "gc-storm" };
        thread.Start();
    }

    /// <summary>Full collections forced so far.</summary>
    public int Collections => Volatile.Read(ref collections);

    void Loop()
    {
        while (!stopping)
        {
            GC.KeepAlive(new byte[16 * 1024]);
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
            GC.WaitForPendingFinalizers();
            Interlocked.Increment(ref collections);
        }
    }

    public void Dispose()
    {
        stopping = true;
        thread.Join();
    }
}
