using System.Globalization;
using Prism.Ingestion;
using Prism.Products;

namespace Prism.Tests.Grains;

/// <summary>The product grain's lifecycle rules, on an in-process silo with the real SQLite broker and storage.</summary>
[Collection(GrainClusterCollection.Name)]
public sealed class ProductGrainLifecycleTests(GrainClusterFixture fx)
{
    private static IngestRequest Package(string key, string? path = null, bool force = false) => new()
    {
        Kind = IngestKind.Package,
        Payload = path ?? $"incoming/{key}.tar",
        Source = "preprocess_queue",
        Force = force,
    };

    private static IngestRequest RegisterPrefix(string key) => new()
    {
        Kind = IngestKind.RegisterPrefix,
        Payload = $"products/{key}/",
        Source = "register_queue",
    };

    private IProductGrain Grain(string key) => fx.Grains.GetGrain<IProductGrain>(key);

    /// <summary>
    /// Submits like a queue consumer does: a "busy" refusal is retried. A product shows its resting stage a moment
    /// before its run has finished (see <see cref="A_request_right_after_the_product_shows_Registered_is_not_refused_as_busy"/>),
    /// so tests that only care about what happens next go through this.
    /// </summary>
    private Task<ProductStatus> SubmitWhenIdleAsync(string key, IngestRequest request) =>
        WhenIdleAsync(() => Grain(key).SubmitAsync(request));

    private static async Task<ProductStatus> WhenIdleAsync(Func<Task<ProductStatus>> call)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try { return await call(); }
            catch (InvalidOperationException e) when (e.Message.Contains("busy", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }
    }

    private async Task<bool> RegisterQueueHasAsync(string prefix) =>
        (await fx.RealBroker.ListAsync(fx.Names.Register)).Contains(prefix);

    private async Task<IReadOnlyList<string>> SeedMessagesAsync(ProductScript script)
    {
        var expected = $"{Iso(script.BeginTime)}/{Iso(script.EndTime)}";
        return (await fx.RealBroker.ListAsync(fx.Names.Seed)).Where(m => m == expected).ToList();
    }

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Waits until preprocessing has completely finished: the state shows Preprocessed (which happens before the
    /// register prefix is pushed), the prefix is on the register queue and the product sits in preprocess-success only.
    /// </summary>
    private async Task<ProductStatus> WaitForPreprocessedAsync(string key, int calls = 1)
    {
        var script = fx.Script(key);
        await fx.WaitForAsync(key, s => s.State == IngestStage.Preprocessed && script.Preprocess.Calls == calls,
            $"Preprocessed after {calls} preprocessing call(s)");
        await WaitUntilAsync(async () => await RegisterQueueHasAsync(script.Prefix)
                                         && (await fx.SetsContainingAsync(key)).SequenceEqual([fx.Names.PreprocessSuccess]),
            $"'{script.Prefix}' on the register queue and '{key}' in {fx.Names.PreprocessSuccess} only");
        return await Grain(key).GetStatusAsync();
    }

    /// <summary>Runs a product all the way to Registered (package, then its register prefix).</summary>
    private async Task<ProductStatus> RegisterAsync(string key)
    {
        await Grain(key).SubmitAsync(Package(key));
        await WaitForPreprocessedAsync(key);
        await Grain(key).SubmitAsync(RegisterPrefix(key));
        return await fx.WaitForStateAsync(key, IngestStage.Registered);
    }

    [Fact]
    public async Task A_package_request_walks_through_preprocessing_pushes_its_prefix_and_a_register_prefix_then_registers_it()
    {
        var key = GrainClusterFixture.NewKey("happy");
        var script = fx.Script(key);

        var accepted = await Grain(key).SubmitAsync(Package(key));
        Assert.Equal(key, accepted.Id);
        Assert.Equal($"incoming/{key}.tar", accepted.Input);

        var preprocessed = await WaitForPreprocessedAsync(key);
        Assert.Equal(script.Prefix, preprocessed.OutputPrefix);
        Assert.Equal(script.Identifier, preprocessed.Identifier);
        await WaitUntilAsync(() => RegisterQueueHasAsync(script.Prefix), $"'{script.Prefix}' on the register queue");
        Assert.Equal([fx.Names.PreprocessSuccess], await fx.SetsContainingAsync(key));

        await Grain(key).SubmitAsync(RegisterPrefix(key));
        var registered = await fx.WaitForStateAsync(key, IngestStage.Registered);

        Assert.Equal(
            [IngestStage.Queued, IngestStage.Preprocessing, IngestStage.Preprocessed, IngestStage.Registering, IngestStage.Registered],
            registered.History.Select(h => h.Stage));
        Assert.True(registered.History.Zip(registered.History.Skip(1)).All(p => p.First.Time <= p.Second.Time), "history out of time order");
        Assert.Equal(script.Identifier, registered.Identifier);
        Assert.Equal(script.BeginTime, registered.BeginTime);
        Assert.Equal(script.EndTime, registered.EndTime);
        Assert.Null(registered.Error);
        Assert.Equal(1, script.Preprocess.Calls);
        Assert.Equal(1, script.Register.Calls);
        var registerRequest = Assert.Single(script.Register.Requests);
        Assert.Equal(IngestKind.RegisterPrefix, registerRequest.Kind);
        Assert.Equal(script.Prefix, registerRequest.Payload);

        var seed = Assert.Single(await SeedMessagesAsync(script));
        var parts = seed.Split('/');
        Assert.Equal(2, parts.Length);
        Assert.Equal(script.BeginTime, DateTimeOffset.ParseExact(parts[0], "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
        Assert.Equal(script.EndTime, DateTimeOffset.ParseExact(parts[1], "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.5Z$", seed);

        Assert.Equal([fx.Names.PreprocessSuccess, fx.Names.RegisterSuccess], await fx.SetsContainingAsync(key));
    }

    [Fact]
    public async Task Transient_errors_are_retried_with_backoff_and_then_succeed_with_the_attempts_in_the_history()
    {
        var key = GrainClusterFixture.NewKey("transient");
        var script = fx.Script(key);
        script.Preprocess.TransientFailures = 2;

        await Grain(key).SubmitAsync(Package(key));
        var status = await WaitForPreprocessedAsync(key, calls: 3);

        Assert.Equal(3, script.Preprocess.Calls);
        var retries = status.History.Where(h => h.Message.Contains("failed, retrying", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, retries.Count);
        Assert.All(retries, r => Assert.Equal(IngestStage.Preprocessing, r.Stage));
        Assert.StartsWith("attempt 1 failed", retries[0].Message, StringComparison.Ordinal);
        Assert.StartsWith("attempt 2 failed", retries[1].Message, StringComparison.Ordinal);
        Assert.Contains("simulated transient preprocess failure #1", retries[0].Message, StringComparison.Ordinal);
        Assert.Equal(IngestStage.Preprocessed, status.History[^1].Stage);
        Assert.Null(status.Error);
        Assert.Equal([fx.Names.PreprocessSuccess], await fx.SetsContainingAsync(key));
    }

    [Fact]
    public async Task After_MaxAttempts_transient_errors_the_product_fails_with_gave_up_and_lands_in_the_failure_set_with_the_reason()
    {
        var key = GrainClusterFixture.NewKey("giveup");
        var script = fx.Script(key);
        script.Preprocess.TransientFailures = int.MaxValue;

        await Grain(key).SubmitAsync(Package(key));
        var status = await fx.WaitForStateAsync(key, IngestStage.Failed);

        Assert.Equal(GrainClusterFixture.MaxAttempts, script.Preprocess.Calls);
        Assert.Equal(IngestStage.Preprocessing, status.FailedStage);
        Assert.StartsWith($"gave up after {GrainClusterFixture.MaxAttempts} attempts", status.Error, StringComparison.Ordinal);
        Assert.Contains($"failure #{GrainClusterFixture.MaxAttempts}", status.Error, StringComparison.Ordinal);
        Assert.Equal(GrainClusterFixture.MaxAttempts - 1,
            status.History.Count(h => h.Message.Contains("failed, retrying", StringComparison.Ordinal)));
        Assert.Equal([fx.Names.PreprocessFailure], await fx.SetsContainingAsync(key));
        Assert.Equal(status.Error, await fx.RealBroker.GetReasonAsync(fx.Names.PreprocessFailure, key));
    }

    [Fact]
    public async Task A_permanent_error_fails_the_product_at_once_with_its_reason_in_the_failure_set()
    {
        var key = GrainClusterFixture.NewKey("permanent");
        var script = fx.Script(key);
        script.Preprocess.PermanentReason = "metadata file missing from the package";

        await Grain(key).SubmitAsync(Package(key));
        var status = await fx.WaitForStateAsync(key, IngestStage.Failed);

        Assert.Equal(1, script.Preprocess.Calls);
        Assert.Equal(IngestStage.Preprocessing, status.FailedStage);
        Assert.Equal("metadata file missing from the package", status.Error);
        Assert.DoesNotContain(status.History, h => h.Message.Contains("retrying", StringComparison.Ordinal));
        Assert.Equal([fx.Names.PreprocessFailure], await fx.SetsContainingAsync(key));
        Assert.Equal("metadata file missing from the package", await fx.RealBroker.GetReasonAsync(fx.Names.PreprocessFailure, key));
        Assert.False(await RegisterQueueHasAsync(script.Prefix));
    }

    [Fact]
    public async Task A_permanent_error_in_registration_lands_in_the_register_failure_set()
    {
        var key = GrainClusterFixture.NewKey("regfail");
        var script = fx.Script(key);
        script.Register.PermanentReason = "collection does not exist";

        await Grain(key).SubmitAsync(Package(key));
        await WaitForPreprocessedAsync(key);
        await Grain(key).SubmitAsync(RegisterPrefix(key));
        var status = await fx.WaitForStateAsync(key, IngestStage.Failed);

        Assert.Equal(1, script.Register.Calls);
        Assert.Equal(IngestStage.Registering, status.FailedStage);
        Assert.Equal("collection does not exist", status.Error);
        Assert.Equal([fx.Names.PreprocessSuccess, fx.Names.RegisterFailure], await fx.SetsContainingAsync(key));
        Assert.Equal("collection does not exist", await fx.RealBroker.GetReasonAsync(fx.Names.RegisterFailure, key));
        Assert.Empty(await SeedMessagesAsync(script));
    }

    [Fact]
    public async Task Redelivery_of_the_same_package_request_is_a_no_op()
    {
        var key = GrainClusterFixture.NewKey("redeliver");
        var script = fx.Script(key);

        await Grain(key).SubmitAsync(Package(key));
        var before = await WaitForPreprocessedAsync(key);
        var again = await Grain(key).SubmitAsync(Package(key));

        Assert.Equal(IngestStage.Preprocessed, again.State);
        Assert.Equal(before.History.Count, again.History.Count);
        Assert.Equal(1, script.Preprocess.Calls);
        Assert.Single(await fx.RealBroker.ListAsync(fx.Names.Register), m => m == script.Prefix);
    }

    [Fact]
    public async Task Redelivery_of_the_register_prefix_of_a_registered_product_is_a_no_op()
    {
        var key = GrainClusterFixture.NewKey("redeliverreg");
        var script = fx.Script(key);
        var before = await RegisterAsync(key);

        var again = await Grain(key).SubmitAsync(RegisterPrefix(key));
        var redeliveredPackage = await Grain(key).SubmitAsync(Package(key));

        Assert.Equal(IngestStage.Registered, again.State);
        Assert.Equal(IngestStage.Registered, redeliveredPackage.State);
        Assert.Equal(before.History.Count, redeliveredPackage.History.Count);
        Assert.Equal(1, script.Preprocess.Calls);
        Assert.Equal(1, script.Register.Calls);
        Assert.Single(await SeedMessagesAsync(script));
    }

    [Fact]
    public async Task A_forced_request_runs_the_product_again()
    {
        var key = GrainClusterFixture.NewKey("force");
        var script = fx.Script(key);
        await RegisterAsync(key);

        await SubmitWhenIdleAsync(key, Package(key, force: true));
        var status = await WaitForPreprocessedAsync(key, calls: 2);

        Assert.Equal(2, script.Preprocess.Calls);
        Assert.Equal(2, status.History.Count(h => h.Stage == IngestStage.Queued));
        Assert.Equal([fx.Names.PreprocessSuccess], await fx.SetsContainingAsync(key));
    }

    [Fact]
    public async Task A_new_payload_for_the_same_product_runs_it_again()
    {
        var key = GrainClusterFixture.NewKey("newpayload");
        var script = fx.Script(key);
        await Grain(key).SubmitAsync(Package(key));
        await WaitForPreprocessedAsync(key);

        await SubmitWhenIdleAsync(key, Package(key, path: $"incoming/v2/{key}.tar"));
        var status = await WaitForPreprocessedAsync(key, calls: 2);

        Assert.Equal($"incoming/v2/{key}.tar", status.Input);
        Assert.Equal([$"incoming/{key}.tar", $"incoming/v2/{key}.tar"], script.Preprocess.Requests.Select(r => r.Payload));
    }

    [Fact]
    public async Task A_failed_product_runs_again_on_a_new_request_and_leaves_the_failure_set()
    {
        var key = GrainClusterFixture.NewKey("retryfailed");
        var script = fx.Script(key);
        script.Preprocess.PermanentReason = "corrupt archive";
        await Grain(key).SubmitAsync(Package(key));
        await fx.WaitForStateAsync(key, IngestStage.Failed);

        script.Preprocess.PermanentReason = null;
        await SubmitWhenIdleAsync(key, Package(key));
        var status = await WaitForPreprocessedAsync(key, calls: 2);

        Assert.Equal(2, script.Preprocess.Calls);
        Assert.Null(status.Error);
        Assert.Null(status.FailedStage);
        Assert.Equal([fx.Names.PreprocessSuccess], await fx.SetsContainingAsync(key));
    }

    [Fact]
    public async Task ResumeAsync_finishes_a_product_left_in_Preprocessing_by_a_crash()
    {
        var key = GrainClusterFixture.NewKey("crashpre");
        var script = fx.Script(key);
        var request = Package(key);
        await fx.PlantStateAsync(key, new ProductState
        {
            Exists = true,
            State = IngestStage.Preprocessing,
            Request = request,
            StatusSet = fx.Names.Preprocessing,
            History =
            [
                new Transition(DateTimeOffset.UtcNow.AddMinutes(-2), IngestStage.Queued, "accepted"),
                new Transition(DateTimeOffset.UtcNow.AddMinutes(-1), IngestStage.Preprocessing, "preprocessing"),
            ],
        });
        await fx.RealBroker.SetAddAsync(fx.Names.Preprocessing, key);

        await Grain(key).ResumeAsync();
        var status = await WaitForPreprocessedAsync(key);

        Assert.Equal(1, script.Preprocess.Calls);
        Assert.Equal(request, Assert.Single(script.Preprocess.Requests));
        Assert.Equal(script.Prefix, status.OutputPrefix);
        await WaitUntilAsync(() => RegisterQueueHasAsync(script.Prefix), $"'{script.Prefix}' on the register queue");
        await WaitUntilAsync(async () => (await fx.SetsContainingAsync(key)).SequenceEqual([fx.Names.PreprocessSuccess]),
            "the product only in the preprocess-success set");
    }

    [Fact]
    public async Task ResumeAsync_finishes_a_product_left_in_Registering_by_a_crash()
    {
        var key = GrainClusterFixture.NewKey("crashreg");
        var script = fx.Script(key);
        await fx.PlantStateAsync(key, new ProductState
        {
            Exists = true,
            State = IngestStage.Registering,
            Request = Package(key),
            RegisterPayload = script.Prefix,
            RegisterQueued = true,
            Identifier = script.Identifier,
            OutputPrefix = script.Prefix,
            StatusSet = fx.Names.Registering,
            History = [new Transition(DateTimeOffset.UtcNow.AddMinutes(-1), IngestStage.Registering, "registration requested")],
        });
        await fx.RealBroker.SetAddAsync(fx.Names.PreprocessSuccess, key);
        await fx.RealBroker.SetAddAsync(fx.Names.Registering, key);

        await Grain(key).ResumeAsync();
        var status = await fx.WaitForStateAsync(key, IngestStage.Registered);

        Assert.Equal(0, script.Preprocess.Calls);
        var request = Assert.Single(script.Register.Requests);
        Assert.Equal(IngestKind.RegisterPrefix, request.Kind);
        Assert.Equal(script.Prefix, request.Payload);
        Assert.Equal(script.Identifier, status.Identifier);
        Assert.Single(await SeedMessagesAsync(script));
        Assert.Equal([fx.Names.PreprocessSuccess, fx.Names.RegisterSuccess], await fx.SetsContainingAsync(key));
    }

    [Fact]
    public async Task ResumeAsync_pushes_the_register_prefix_of_a_product_preprocessed_just_before_a_crash()
    {
        var key = GrainClusterFixture.NewKey("crashpushed");
        var script = fx.Script(key);
        await fx.PlantStateAsync(key, new ProductState
        {
            Exists = true,
            State = IngestStage.Preprocessed,
            Request = Package(key),
            RegisterQueued = false,
            Identifier = script.Identifier,
            OutputPrefix = script.Prefix,
            StatusSet = fx.Names.Preprocessing,
        });
        await fx.RealBroker.SetAddAsync(fx.Names.Preprocessing, key);

        await Grain(key).ResumeAsync();

        await WaitUntilAsync(() => RegisterQueueHasAsync(script.Prefix), $"'{script.Prefix}' on the register queue");
        await WaitUntilAsync(async () => (await fx.SetsContainingAsync(key)).SequenceEqual([fx.Names.PreprocessSuccess]),
            "the product only in the preprocess-success set");
        Assert.Equal(0, script.Preprocess.Calls);
    }

    [Fact]
    public async Task ResumeAsync_on_a_registered_product_does_nothing()
    {
        var key = GrainClusterFixture.NewKey("resumedone");
        var script = fx.Script(key);
        var before = await RegisterAsync(key);

        var after = await Grain(key).ResumeAsync();
        var later = await Grain(key).GetStatusAsync();

        Assert.Equal(IngestStage.Registered, after.State);
        Assert.Equal(before.History.Count, later.History.Count);
        Assert.Equal(1, script.Preprocess.Calls);
        Assert.Equal(1, script.Register.Calls);
        Assert.Single(await SeedMessagesAsync(script));
    }

    [Fact]
    public async Task ResumeAsync_on_a_product_that_never_existed_does_nothing()
    {
        var key = GrainClusterFixture.NewKey("resumenone");
        var status = await Grain(key).ResumeAsync();

        Assert.Empty(status.History);
        Assert.Equal(0, fx.Script(key).Preprocess.Calls);
        Assert.Empty(await fx.SetsContainingAsync(key));
    }

    [Fact]
    public async Task DeregisterAsync_removes_the_product_through_the_pipeline_and_ends_Deregistered()
    {
        var key = GrainClusterFixture.NewKey("dereg");
        var script = fx.Script(key);
        await RegisterAsync(key);

        var status = await WhenIdleAsync(() => Grain(key).DeregisterAsync());

        Assert.Equal(IngestStage.Deregistered, status.State);
        Assert.Contains((script.Identifier, (string?)script.Prefix), fx.Pipeline.Deregistrations);
        Assert.Empty(await fx.SetsContainingAsync(key));
        Assert.Equal(IngestStage.Deregistered, status.History[^1].Stage);
    }

    [Fact]
    public async Task A_register_prefix_arriving_while_the_grain_is_still_finishing_preprocessing_is_handled()
    {
        var key = GrainClusterFixture.NewKey("overtake");
        var script = fx.Script(key);
        // Hold the preprocessing run right after it pushed the register prefix (before it records that it did).
        var hold = fx.Broker.HoldAfterPush(fx.Names.Register, script.Prefix);

        await Grain(key).SubmitAsync(Package(key));
        await WaitAsync(hold.Pushed.Task, "the register prefix pushed by the preprocessing run");
        Assert.Equal(IngestStage.Preprocessed, (await Grain(key).GetStatusAsync()).State);

        // The register message (taken from register_queue by a fast consumer) reaches the grain mid-run.
        var arrived = fx.Calls.NextCall(key, nameof(IProductGrain.SubmitAsync));
        var submitted = Grain(key).SubmitAsync(RegisterPrefix(key));
        await WaitAsync(arrived, "the register request to reach the grain");
        hold.Released.TrySetResult();

        await submitted;
        var status = await fx.WaitForStateAsync(key, IngestStage.Registered);

        Assert.Equal(1, script.Preprocess.Calls);
        Assert.Equal(1, script.Register.Calls);
        Assert.Equal(
            [IngestStage.Queued, IngestStage.Preprocessing, IngestStage.Preprocessed, IngestStage.Registering, IngestStage.Registered],
            status.History.Select(h => h.Stage));
        Assert.Equal([fx.Names.PreprocessSuccess, fx.Names.RegisterSuccess], await fx.SetsContainingAsync(key));
    }

    [Fact]
    public async Task An_accepted_product_is_in_preprocessing_set_as_soon_as_its_Queued_state_is_written()
    {
        var key = GrainClusterFixture.NewKey("queuedset");
        fx.Script(key);
        // Hold the grain right after the Queued state is written: a silo dying here must leave the product where the
        // reconciler finds it (the queue entry is acknowledged once SubmitAsync returns).
        var hold = fx.Writes.HoldWrite(Grain(key).GetGrainId(), s => s is ProductState { State: IngestStage.Queued });
        var submitted = Grain(key).SubmitAsync(Package(key));
        await WaitAsync(hold.Pushed.Task, "the Queued state to be written");
        Assert.Equal([fx.Names.Preprocessing], await fx.SetsContainingAsync(key));
        hold.Released.TrySetResult();
        await submitted;
        await WaitForPreprocessedAsync(key);
    }

    [Fact]
    public async Task A_request_right_after_the_product_shows_Registered_is_not_refused_as_busy()
    {
        var key = GrainClusterFixture.NewKey("restingbusy");
        var script = fx.Script(key);
        await Grain(key).SubmitAsync(Package(key));
        await WaitForPreprocessedAsync(key);
        // Hold the run's last step (the write of the Registered state) after the write itself is done.
        var hold = fx.Writes.HoldWrite(Grain(key).GetGrainId(), s => s is ProductState { State: IngestStage.Registered });
        await Grain(key).SubmitAsync(RegisterPrefix(key));
        await WaitAsync(hold.Pushed.Task, "the Registered state to be written");

        var shown = await Grain(key).GetStatusAsync();
        Assert.Equal(IngestStage.Registered, shown.State);
        Assert.True(shown.IsTerminal);

        // A client that saw the resting state now forces a re-run (or deletes the product). The grain may wait for
        // its run to finish, but must not refuse the request as busy in a resting stage.
        var arrived = fx.Calls.NextCall(key, nameof(IProductGrain.SubmitAsync));
        var forced = Grain(key).SubmitAsync(Package(key, force: true));
        await WaitAsync(arrived, "the forced request to reach the grain");
        hold.Released.TrySetResult();
        var refusal = await Record.ExceptionAsync(() => forced);

        Assert.Null(refusal);
        await WaitForPreprocessedAsync(key, calls: 2);
    }

    private static async Task WaitAsync(Task task, string what, int seconds = 30)
    {
        if (await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(seconds))) != task)
            Assert.Fail($"Timed out after {seconds} s waiting for {what}");
        await task;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out after {seconds} s waiting for {what}");
            await Task.Delay(20);
        }
    }
}
