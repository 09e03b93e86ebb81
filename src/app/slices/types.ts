import type { StateCreator } from 'zustand';
import type { DesignSlice } from './designSlice';
import type { UiSlice } from './uiSlice';
import type { RunSlice } from './runSlice';
import type { CompareSlice } from './compareSlice';

/** The whole store: one bound store made of slices (zustand slices pattern). */
export type AppState = DesignSlice & UiSlice & RunSlice & CompareSlice;
export type SliceCreator<T> = StateCreator<AppState, [], [], T>;
