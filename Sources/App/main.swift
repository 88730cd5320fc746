BenchMeta.main()
